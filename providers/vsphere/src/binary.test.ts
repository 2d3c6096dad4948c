// The real provider-vsphere command as the Provider controller launches it (seed flags and
// environment, credential files, provider.json) against vcsim: it serves, drives vCenter, never
// prints the password, and on SIGTERM exits cleanly after logging out of vCenter.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { createProviderClient } from '@virtrigaud/provider-sdk';
import { PowerOp } from '@virtrigaud/proto';
import { directClient, vcsim } from './testing/vcsim';
import { retrieveOne } from './vim25/properties';
import { childText, children } from './vim25/xml';

const packageDir = path.join(__dirname, '..');
const BIN = path.join(
  packageDir,
  JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8')).bin[
    'provider-vsphere'
  ],
);
const PROVIDER_NAME = `vsphere-binary-${randomUUID().slice(0, 8)}`;

function providerFiles(password: string) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'provider-vsphere-'));
  const credentials = path.join(root, 'credentials');
  const config = path.join(root, 'config');
  fs.mkdirSync(credentials);
  fs.mkdirSync(config);
  fs.writeFileSync(path.join(credentials, 'username'), `${vcsim().username}\n`);
  fs.writeFileSync(path.join(credentials, 'password'), `${password}\n`);
  fs.writeFileSync(path.join(credentials, 'ca.crt'), vcsim().certificatePem);
  fs.writeFileSync(
    path.join(config, 'provider.json'),
    JSON.stringify({
      defaults: { datacenter: 'DC0', cluster: 'DC0_C0', datastore: 'LocalDS_0' },
      endpointTLS: { caSecretKey: 'ca.crt' },
    }),
  );
  return { root, credentials, config };
}

interface Started {
  child: ChildProcess;
  address: string;
  output: () => string;
}

function startBinary(password: string): Promise<Started> {
  const files = providerFiles(password);
  const child = spawn(
    process.execPath,
    [
      BIN,
      '--grpc-addr=127.0.0.1:0',
      '--metrics-addr=127.0.0.1:0',
      '--provider-type=vsphere',
      `--provider-endpoint=${vcsim().endpoint}`,
      '--tls-enabled=false',
    ],
    {
      env: {
        PATH: process.env.PATH ?? '',
        PROVIDER_TYPE: 'vsphere',
        PROVIDER_ENDPOINT: vcsim().endpoint,
        PROVIDER_NAMESPACE: 'default',
        PROVIDER_NAME,
        VIRTRIGAUD_CREDENTIALS_DIR: files.credentials,
        VIRTRIGAUD_CONFIG_DIR: files.config,
        LOG_LEVEL: 'debug',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const started = output.split('\n').find((line) => line.includes('"provider started"'));
      if (!started) return;
      resolve({
        child,
        address: `127.0.0.1:${JSON.parse(started).grpcPort}`,
        output: () => output,
      });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) =>
      reject(new Error(`exited with ${code} before starting:\n${output}`)),
    );
  });
}

function stop(child: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  return exited;
}

async function sessionsOfThisProvider(): Promise<number> {
  const admin = directClient();
  try {
    const { sessionManager } = await admin.serviceContent();
    const props = await retrieveOne(admin, sessionManager, ['sessionList']);
    return children(props.props.get('sessionList'), 'UserSession').filter((session) =>
      childText(session, 'userAgent')?.includes(PROVIDER_NAME),
    ).length;
  } finally {
    await admin.close();
  }
}

describe('provider-vsphere binary', () => {
  it('serves the seed launch, drives vcsim, and logs out of vCenter on SIGTERM', async () => {
    const provider = await startBinary(vcsim().password);
    const client = createProviderClient(provider.address);
    try {
      expect(await client.validate()).toMatchObject({ ok: true });
      const uid = randomUUID();
      const created = await client.create({
        name: `binary-${uid.slice(0, 8)}`,
        owner: { uid, namespace: 'default', name: 'binary' },
        classJson: JSON.stringify({ cpu: 1, memory: '256Mi' }),
        imageJson: JSON.stringify({ source: {} }),
        networksJson: '[]',
        disksJson: '[]',
        placementJson: '{}',
      });
      expect(created.id).toBe(uid);
      await client.power({ id: uid, op: PowerOp.POWER_OP_ON });
      expect(await sessionsOfThisProvider()).toBe(1);
    } finally {
      client.close();
    }
    expect(await stop(provider.child)).toBe(0);
    expect(await sessionsOfThisProvider()).toBe(0);
    expect(provider.output()).not.toContain(vcsim().password);
  });

  it('reports a wrong password as a failed validation without printing it', async () => {
    const wrong = `wrong-${randomUUID()}`;
    const provider = await startBinary(wrong);
    const client = createProviderClient(provider.address);
    try {
      const validation = await client.validate();
      expect(validation.ok).toBe(false);
      expect(validation.message).toContain('rejected the configured username/password');
      expect(validation.message).not.toContain(wrong);
    } finally {
      client.close();
      await stop(provider.child);
    }
    expect(provider.output()).not.toContain(wrong);
  });
});

// The real provider-proxmox command as the Provider controller launches it (seed flags and
// environment, credential files, provider.json) against the simulator: it serves, drives
// Proxmox, never prints the token secret, and exits cleanly on SIGTERM.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PowerOp } from '@virtrigaud/proto';
import { createProviderClient } from '@virtrigaud/provider-sdk';
import {
  startSimulatedCluster,
  TEMPLATE_VMID,
  TOKEN_ID,
  type SimulatedCluster,
} from './testing/fixture';

const packageDir = path.join(__dirname, '..');
const BIN = path.join(
  packageDir,
  JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8')).bin[
    'provider-proxmox'
  ],
);

let cluster: SimulatedCluster;
const roots: string[] = [];

beforeAll(async () => {
  cluster = await startSimulatedCluster();
});

afterAll(async () => {
  await cluster.stop();
  roots.forEach((root) => fs.rmSync(root, { recursive: true, force: true }));
});

function providerFiles(tokenSecret: string, endpointTLS: Record<string, string>) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'provider-proxmox-'));
  roots.push(root);
  const credentials = path.join(root, 'credentials');
  const config = path.join(root, 'config');
  fs.mkdirSync(credentials);
  fs.mkdirSync(config);
  fs.writeFileSync(path.join(credentials, 'token_id'), `${TOKEN_ID}\n`);
  fs.writeFileSync(path.join(credentials, 'token_secret'), `${tokenSecret}\n`);
  fs.writeFileSync(path.join(credentials, 'ca.crt'), cluster.certificate.cert);
  fs.writeFileSync(
    path.join(config, 'provider.json'),
    JSON.stringify({ defaults: { node: 'pve1', storage: 'local-lvm' }, endpointTLS }),
  );
  return { credentials, config };
}

interface Started {
  child: ChildProcess;
  address: string;
  output: () => string;
}

function startBinary(
  tokenSecret: string,
  endpointTLS: Record<string, string> = { caSecretKey: 'ca.crt' },
): Promise<Started> {
  const files = providerFiles(tokenSecret, endpointTLS);
  const child = spawn(
    process.execPath,
    [
      BIN,
      '--grpc-addr=127.0.0.1:0',
      '--metrics-addr=127.0.0.1:0',
      '--provider-type=proxmox',
      `--provider-endpoint=${cluster.sim.url}`,
      '--tls-enabled=false',
    ],
    {
      env: {
        PATH: process.env.PATH ?? '',
        PROVIDER_TYPE: 'proxmox',
        PROVIDER_ENDPOINT: cluster.sim.url,
        PROVIDER_NAMESPACE: 'default',
        PROVIDER_NAME: 'pve-binary',
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
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  return exited;
}

describe('provider-proxmox binary', () => {
  it('serves the seed launch, drives Proxmox, and exits 0 on SIGTERM without printing the token secret', async () => {
    const provider = await startBinary(cluster.tokenSecret);
    const client = createProviderClient(provider.address);
    try {
      expect(await client.validate()).toMatchObject({ ok: true });
      const uid = randomUUID();
      const created = await client.create({
        name: `binary-${uid.slice(0, 8)}`,
        owner: { uid, namespace: 'default', name: 'binary' },
        classJson: JSON.stringify({ cpu: 1, memory: '256Mi' }),
        imageJson: JSON.stringify({ source: { proxmox: { templateID: TEMPLATE_VMID } } }),
        networksJson: '[]',
        disksJson: '[]',
        placementJson: '{}',
      });
      expect(cluster.sim.cluster.vms.get(Number(created.id))?.config.description).toContain(uid);
      await client.power({ id: created.id, op: PowerOp.POWER_OP_ON });
    } finally {
      client.close();
      expect(await stop(provider.child)).toBe(0);
    }
    expect(provider.output()).toContain('"proxmox call"');
    expect(provider.output()).not.toContain(cluster.tokenSecret);
  });

  it('pins the certificate by SHA-256 fingerprint from provider.json', async () => {
    const provider = await startBinary(cluster.tokenSecret, {
      fingerprint: cluster.certificate.fingerprint,
    });
    const client = createProviderClient(provider.address);
    try {
      expect(await client.validate()).toMatchObject({ ok: true });
    } finally {
      client.close();
      await stop(provider.child);
    }
  });

  it('reports a wrong token as a failed validation without printing it', async () => {
    const wrong = `wrong-${randomUUID()}`;
    const provider = await startBinary(wrong);
    const client = createProviderClient(provider.address);
    try {
      const validation = await client.validate();
      expect(validation.ok).toBe(false);
      expect(validation.message).not.toContain(wrong);
    } finally {
      client.close();
      await stop(provider.child);
    }
    expect(provider.output()).not.toContain(wrong);
  });
});

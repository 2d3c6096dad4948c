// The real provider-vsphere command as the Provider controller launches it (seed flags and
// environment, credential files, provider.json) against vcsim: it serves, drives vCenter, never
// prints the password, and on SIGTERM exits cleanly after logging out of vCenter.
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { createProviderClient, testing } from '@virtrigaud/provider-sdk';
import { PowerOp } from '@virtrigaud/proto';
import { directClient, vcsim } from './testing/vcsim';
import { retrieveOne } from './vim25/properties';
import { childText, children } from './vim25/xml';

const BIN = testing.providerCommand(path.join(__dirname, '..'), 'provider-vsphere');
const PROVIDER_NAME = `vsphere-binary-${randomUUID().slice(0, 8)}`;
const roots: string[] = [];

afterAll(() => roots.forEach((root) => fs.rmSync(root, { recursive: true, force: true })));

function startBinary(password: string): Promise<testing.RunningProviderProcess> {
  const files = testing.writeProviderFiles(
    'provider-vsphere-',
    {
      username: `${vcsim().username}\n`,
      password: `${password}\n`,
      'ca.crt': vcsim().certificatePem,
    },
    {
      defaults: { datacenter: 'DC0', cluster: 'DC0_C0', datastore: 'LocalDS_0' },
      endpointTLS: { caSecretKey: 'ca.crt' },
    },
  );
  roots.push(files.root);
  return testing.startProviderProcess(
    BIN,
    testing.seedLaunch({
      type: 'vsphere',
      endpoint: vcsim().endpoint,
      name: PROVIDER_NAME,
      files,
      env: { LOG_LEVEL: 'debug' },
    }),
  );
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
    expect(await provider.stop()).toBe(0);
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
      await provider.stop();
    }
    expect(provider.output()).not.toContain(wrong);
  });
});

// The real provider-proxmox command as the Provider controller launches it (seed flags and
// environment, credential files, provider.json) against the simulator: it serves, drives
// Proxmox, never prints the token secret, and exits cleanly on SIGTERM.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { PowerOp } from '@virtrigaud/proto';
import { createProviderClient, testing } from '@virtrigaud/provider-sdk';
import {
  startSimulatedCluster,
  TEMPLATE_VMID,
  TOKEN_ID,
  type SimulatedCluster,
} from './testing/fixture';

const BIN = testing.providerCommand(path.join(__dirname, '..'), 'provider-proxmox');

let cluster: SimulatedCluster;
const roots: string[] = [];

beforeAll(async () => {
  cluster = await startSimulatedCluster();
});

afterAll(async () => {
  await cluster.stop();
  roots.forEach((root) => fs.rmSync(root, { recursive: true, force: true }));
});

function startBinary(
  tokenSecret: string,
  endpointTLS: Record<string, string> = { caSecretKey: 'ca.crt' },
): Promise<testing.RunningProviderProcess> {
  const files = testing.writeProviderFiles(
    'provider-proxmox-',
    {
      token_id: `${TOKEN_ID}\n`,
      token_secret: `${tokenSecret}\n`,
      'ca.crt': cluster.certificate.cert,
    },
    { defaults: { node: 'pve1', storage: 'local-lvm' }, endpointTLS },
  );
  roots.push(files.root);
  return testing.startProviderProcess(
    BIN,
    testing.seedLaunch({
      type: 'proxmox',
      endpoint: cluster.sim.url,
      name: 'pve-binary',
      files,
      env: { LOG_LEVEL: 'debug' },
    }),
  );
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
      expect(await provider.stop()).toBe(0);
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
      await provider.stop();
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
      await provider.stop();
    }
    expect(provider.output()).not.toContain(wrong);
  });
});

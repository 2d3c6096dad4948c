// The provider conformance suite over real gRPC against the Proxmox provider on the simulator:
// once with VMs cloned from a template (plus the slow-hypervisor check against a second simulator
// that answers every request late), once with VMs created from scratch from a cloud image.
// The simulator checks every request against the official API schema; the last check proves no
// request of the whole suite was refused by that check or reached an endpoint it does not model.
import { describeConformance, startInProcessTarget } from '@virtrigaud/provider-conformance';
import { createProxmoxBackend } from './backend/proxmox-backend';
import { PveClient } from './client/pve-client';
import type { RecordedRequest } from './simulator/server';
import { cloudImageFixtures, templateCloneFixtures } from './testing/conformance-fixtures';
import { startSimulatedCluster, TEMPLATE_VMID, type SimulatedCluster } from './testing/fixture';

const SLOW_MS = 2_000;
let cluster: SimulatedCluster;

beforeAll(async () => {
  cluster = await startSimulatedCluster();
});

afterAll(async () => {
  // Also covers the conformance suite's own cleanup (deletes), which runs after its checks.
  const violations = schemaViolations(cluster.sim.requests);
  await cluster.stop();
  if (violations.length)
    throw new Error(`requests refused by the schema: ${JSON.stringify(violations)}`);
});

function schemaViolations(requests: RecordedRequest[]): RecordedRequest[] {
  return requests.filter((r) => !r.template || r.status === 400 || r.status === 501);
}

function startProvider(simulated: SimulatedCluster) {
  return startInProcessTarget('proxmox', createProxmoxBackend, simulated.backendConfig());
}

const expectCapabilities = {
  supportsReconfigureOnline: true,
  supportsDiskExpansionOnline: true,
  supportsSnapshots: true,
  supportsMemorySnapshots: true,
  supportsLinkedClones: true,
  supportsImageImport: false,
  supportedDiskTypes: ['raw', 'qcow2'],
  supportedNetworkTypes: ['virtio', 'e1000', 'e1000e', 'rtl8139', 'vmxnet3'],
};

describeConformance('proxmox on the schema-validating simulator', {
  start: () => startProvider(cluster),
  fixtures: templateCloneFixtures,
  expectCapabilities,
  taskTimeoutMs: 20_000,
  startSlow: async () => {
    const slow = await startSimulatedCluster({ responseDelayMs: SLOW_MS });
    const provider = await startProvider(slow);
    return {
      ...provider,
      slowMs: SLOW_MS,
      stop: async () => {
        await provider.stop();
        await slow.stop();
      },
    };
  },
});

describeConformance('proxmox on the simulator, VMs created from a cloud image', {
  start: () => startProvider(cluster),
  fixtures: { ...cloudImageFixtures, namePrefix: 'conformance-import' },
  expectCapabilities,
  taskTimeoutMs: 20_000,
});

describe('simulator fidelity during the conformance suite', () => {
  it('every request the provider made matched a schema endpoint, passed parameter verification and was modeled', () => {
    const requests = cluster.sim.requests;
    expect(requests.length).toBeGreaterThan(50);
    expect(schemaViolations(requests)).toEqual([]);
    const used = new Set(requests.map((r) => `${r.method} ${r.template}`));
    expect([...used]).toEqual(
      expect.arrayContaining([
        'POST /nodes/{node}/qemu',
        'POST /nodes/{node}/qemu/{vmid}/clone',
        'GET /nodes/{node}/tasks/{upid}/status',
        'PUT /nodes/{node}/qemu/{vmid}/config',
        'POST /nodes/{node}/qemu/{vmid}/snapshot',
        'DELETE /nodes/{node}/qemu/{vmid}',
      ]),
    );
  });

  it('a deliberately wrong request is refused the way Proxmox refuses it', async () => {
    const seen = cluster.sim.requests.length;
    const config = cluster.backendConfig();
    const client = new PveClient({
      endpoint: config.endpoint,
      auth: { tokenId: config.credentials.token_id, tokenSecret: config.credentials.token_secret },
      tls: { mode: 'verify', ca: cluster.certificate.cert },
    });
    try {
      await expect(
        client.post(`/nodes/pve1/qemu/${TEMPLATE_VMID}/clone`, { newid: 'next', cores: 2 }),
      ).rejects.toMatchObject({
        code: 'INVALID_ARGUMENT',
        httpStatus: 400,
        parameterErrors: {
          newid: "type check ('integer') failed - got 'next'",
          cores:
            'property is not defined in schema and the schema does not allow additional properties',
        },
      });
    } finally {
      client.close();
      // This request is the test's own: keep it out of the provider's fidelity record.
      cluster.sim.requests.splice(seen);
    }
  });
});

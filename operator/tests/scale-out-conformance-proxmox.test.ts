// The provider conformance suite against three Proxmox provider replicas on one schema-validating
// Proxmox simulator, behind a round-robin client: task ids are Proxmox UPIDs and the owner lives
// in the VM's config on the cluster, so any replica answers for what another one started.
import { describeConformance } from '@virtrigaud/provider-conformance';
import { createProxmoxBackend } from '@virtrigaud/provider-proxmox';
import {
  startSimulatedCluster,
  TEMPLATE_VMID,
  type SimulatedCluster,
} from '@virtrigaud/provider-proxmox/dist/testing/fixture';
import { startInProcessReplicas } from './support/in-process-replicas';

const REPLICAS = 3;
let simulator: SimulatedCluster;

describeConformance(`proxmox, ${REPLICAS} replicas on one simulator behind round robin`, {
  start: async () => {
    simulator = await startSimulatedCluster();
    const config = simulator.backendConfig();
    const target = await startInProcessReplicas(REPLICAS, {
      type: 'proxmox',
      createBackend: createProxmoxBackend,
      endpoint: config.endpoint,
      namespace: config.namespace,
      name: config.name,
      credentials: config.credentials,
      options: config.options,
    });
    return {
      ...target,
      stop: async () => {
        const served = await target.servedCalls();
        await target.stop();
        await simulator.stop();
        for (const calls of served) expect(calls).toBeGreaterThan(10);
      },
    };
  },
  fixtures: {
    class: { cpu: 1, memory: '512Mi', diskDefaults: { sizeGiB: 8 } },
    image: { source: { proxmox: { templateID: TEMPLATE_VMID } } },
    networks: [
      {
        name: 'eth0',
        attachment: { proxmox: { bridge: 'vmbr0' }, ipAllocation: { type: 'DHCP' as const } },
      },
    ],
    disks: [{ name: 'data', sizeGiB: 1 }],
    placement: {},
  },
  expectCapabilities: { supportsSnapshots: true, supportsLinkedClones: true },
  taskTimeoutMs: 20_000,
});

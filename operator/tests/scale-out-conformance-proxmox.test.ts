// The provider conformance suite against a Proxmox Provider with `replicas: 3` (rendered by the
// manager, the provider-proxmox pods run by the dev kubelet with the credential Secret and
// provider.json mounted) on one schema-validating Proxmox simulator, behind a round-robin client:
// task ids are Proxmox UPIDs and the owner lives in the VM's config on the cluster, so any
// replica answers for what another one started.
import { describeConformance } from '@virtrigaud/provider-conformance';
import {
  startSimulatedCluster,
  TEMPLATE_VMID,
  TOKEN_ID,
} from '@virtrigaud/provider-proxmox/dist/testing/fixture';
import { applyReplicatedProvider } from './support/provider-replicas';
import { startReplicatedProvider } from './support/replica-target';

const PROVIDER = 'pve-x3';
const REPLICAS = 3;

describeConformance(`proxmox, ${REPLICAS} replicas on one simulator behind round robin`, {
  start: async () => {
    const simulator = await startSimulatedCluster();
    return startReplicatedProvider({
      name: PROVIDER,
      replicas: REPLICAS,
      apply: (client) =>
        applyReplicatedProvider(client, {
          name: PROVIDER,
          type: 'proxmox',
          endpoint: simulator.sim.url,
          replicas: REPLICAS,
          credentials: {
            token_id: TOKEN_ID,
            token_secret: simulator.tokenSecret,
            'ca.crt': simulator.certificate.cert,
          },
          defaults: { node: 'pve1', storage: 'local-lvm' },
          endpointTLS: { caSecretKey: 'ca.crt' },
        }),
      stopHypervisor: () => simulator.stop(),
    });
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

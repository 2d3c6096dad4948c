// The provider conformance suite against a Proxmox Provider with `replicas: 3` (rendered by the
// manager, the provider-proxmox pods run by the dev kubelet with the credential Secret and
// provider.json mounted) on one schema-validating Proxmox simulator, behind a round-robin client:
// task ids are Proxmox UPIDs and the owner lives in the VM's config on the cluster, so any
// replica answers for what another one started.
import { describeConformance } from '@virtrigaud/provider-conformance';
import { templateCloneFixtures } from '@virtrigaud/provider-proxmox/dist/testing/conformance-fixtures';
import { startSimulatedCluster, TOKEN_ID } from '@virtrigaud/provider-proxmox/dist/testing/fixture';
import { startReplicatedHypervisorProvider } from './support/replica-target';

const REPLICAS = 3;

describeConformance(`proxmox, ${REPLICAS} replicas on one simulator behind round robin`, {
  start: async () => {
    const simulator = await startSimulatedCluster();
    return startReplicatedHypervisorProvider(
      {
        name: 'pve-x3',
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
      },
      () => simulator.stop(),
    );
  },
  fixtures: templateCloneFixtures,
  expectCapabilities: { supportsSnapshots: true, supportsLinkedClones: true },
  taskTimeoutMs: 20_000,
});

// The provider conformance suite against a vSphere Provider with `replicas: 3` (rendered by the
// manager, the provider-vsphere pods run by the dev kubelet with the credential Secret and
// provider.json mounted) on one vcsim, behind a round-robin client: task ids are vSphere task
// references and the owner is recorded on the VM in vCenter, so any replica (each with its own
// session) answers for what another one started.
import { describeConformance } from '@virtrigaud/provider-conformance';
import { conformanceFixtures } from '@virtrigaud/provider-vsphere/dist/testing/conformance-fixtures';
import { startVcsim } from '@virtrigaud/provider-vsphere/dist/testing/vcsim';
import { startReplicatedHypervisorProvider } from './support/replica-target';

const REPLICAS = 3;

describeConformance(`vsphere, ${REPLICAS} replicas on one vcsim behind round robin`, {
  start: async () => {
    const vcsim = await startVcsim();
    return startReplicatedHypervisorProvider(
      {
        name: 'vc-x3',
        type: 'vsphere',
        endpoint: vcsim.endpoint,
        replicas: REPLICAS,
        credentials: {
          username: vcsim.username,
          password: vcsim.password,
          'ca.crt': vcsim.certificatePem,
        },
        defaults: { datacenter: 'DC0', cluster: 'DC0_C0', datastore: 'LocalDS_0' },
        endpointTLS: { caSecretKey: 'ca.crt' },
      },
      () => vcsim.stop(),
    );
  },
  fixtures: conformanceFixtures,
  expectCapabilities: { supportsSnapshots: true, supportsLinkedClones: true },
  taskTimeoutMs: 20_000,
});

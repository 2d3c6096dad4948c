// The provider conformance suite against three vSphere provider replicas on one vcsim, behind a
// round-robin client: task ids are vSphere task references and the owner is recorded on the VM in
// vCenter, so any replica answers for what another one started (each has its own session).
import { describeConformance } from '@virtrigaud/provider-conformance';
import { createVSphereBackend } from '@virtrigaud/provider-vsphere';
import { startVcsim } from '@virtrigaud/provider-vsphere/dist/testing/vcsim';
import { startInProcessReplicas } from './support/in-process-replicas';

const REPLICAS = 3;

describeConformance(`vsphere, ${REPLICAS} replicas on one vcsim behind round robin`, {
  start: async () => {
    const vcsim = await startVcsim();
    const target = await startInProcessReplicas(REPLICAS, {
      type: 'vsphere',
      createBackend: createVSphereBackend,
      endpoint: vcsim.endpoint,
      namespace: 'default',
      name: 'vcsim',
      credentials: {
        username: vcsim.username,
        password: vcsim.password,
        'ca.crt': vcsim.certificatePem,
      },
      options: {
        endpointTLS: { caSecretKey: 'ca.crt' },
        defaults: { datacenter: 'DC0', cluster: 'DC0_C0', datastore: 'LocalDS_0' },
      },
    });
    return {
      ...target,
      stop: async () => {
        const served = await target.servedCalls();
        await target.stop();
        await vcsim.stop();
        for (const calls of served) expect(calls).toBeGreaterThan(10);
      },
    };
  },
  fixtures: {
    class: { cpu: 1, memory: '512Mi' },
    // Built from scratch, as in the provider's own conformance run (vcsim's CloneVM_Task ignores
    // the clone spec's hardware).
    image: { source: {} },
    networks: [{ name: 'eth0', attachment: { vsphere: { portgroup: 'VM Network' } } }],
    disks: [{ name: 'data', sizeGiB: 1 }],
    placement: {},
  },
  expectCapabilities: { supportsSnapshots: true, supportsLinkedClones: true },
  taskTimeoutMs: 20_000,
});

// The provider conformance suite against a vSphere Provider with `replicas: 3` (rendered by the
// manager, the provider-vsphere pods run by the dev kubelet with the credential Secret and
// provider.json mounted) on one vcsim, behind a round-robin client: task ids are vSphere task
// references and the owner is recorded on the VM in vCenter, so any replica (each with its own
// session) answers for what another one started.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describeConformance } from '@virtrigaud/provider-conformance';
import { startVcsim } from '@virtrigaud/provider-vsphere/dist/testing/vcsim';
import type { Manager } from '../src/manager';
import { startTestCluster, type TestCluster } from './support/cluster';
import { startManager } from './support/manager';
import { applyReplicatedProvider, readyReplicas } from './support/provider-replicas';
import { replicaConformanceTarget } from './support/replica-target';

const PROVIDER = 'vc-x3';
const REPLICAS = 3;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'scale-out-conformance-vsphere-'));
let cluster: TestCluster;
let manager: Manager;

describeConformance(`vsphere, ${REPLICAS} replicas on one vcsim behind round robin`, {
  start: async () => {
    const vcsim = await startVcsim();
    cluster = await startTestCluster({
      kubelet: { rootDir: path.join(tmp, 'pods'), maxProbePeriodMs: 200 },
    });
    manager = await startManager(cluster, { serviceAddressSource: 'endpoint-slices' });
    await applyReplicatedProvider(cluster.client, {
      name: PROVIDER,
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
    });
    return replicaConformanceTarget(
      await readyReplicas(cluster.client, PROVIDER, REPLICAS),
      await readyReplicas(cluster.client, PROVIDER, REPLICAS, 'metrics'),
      async () => {
        await manager.stop();
        await cluster.stop();
        await vcsim.stop();
        fs.rmSync(tmp, { recursive: true, force: true });
      },
    );
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

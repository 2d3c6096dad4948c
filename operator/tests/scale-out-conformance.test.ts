// The provider conformance suite against provider-mock with three replicas run by the dev kubelet
// (a Provider with `replicas: 3`, rendered by the manager) sharing one mock hypervisor, through a
// round-robin client: consecutive calls of every check land on different replicas, so a task,
// VM or idempotent Create started on one replica is answered by the others.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describeConformance } from '@virtrigaud/provider-conformance';
import type { Manager } from '../src/manager';
import { startTestCluster, type TestCluster } from './support/cluster';
import { startManager } from './support/manager';
import { applyReplicatedMock, readyReplicas } from './support/provider-replicas';
import { replicaConformanceTarget } from './support/replica-target';

const PROVIDER = 'conformance-x3';
const REPLICAS = 3;

let cluster: TestCluster;
let manager: Manager;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'scale-out-conformance-'));

describeConformance(`mock, ${REPLICAS} replicas behind round robin`, {
  start: async () => {
    cluster = await startTestCluster({
      kubelet: { rootDir: path.join(tmp, 'pods'), maxProbePeriodMs: 200 },
    });
    manager = await startManager(cluster, { serviceAddressSource: 'endpoint-slices' });
    await applyReplicatedMock(cluster.client, {
      name: PROVIDER,
      replicas: REPLICAS,
      stateDir: path.join(tmp, 'hypervisor'),
    });
    return replicaConformanceTarget(
      await readyReplicas(cluster.client, PROVIDER, REPLICAS),
      await readyReplicas(cluster.client, PROVIDER, REPLICAS, 'metrics'),
      async () => {
        await manager.stop();
        await cluster.stop();
        fs.rmSync(tmp, { recursive: true, force: true });
      },
    );
  },
  fixtures: {
    class: { cpu: 1, memory: '512Mi', diskDefaults: { type: 'qcow2', sizeGiB: 10 } },
    image: { source: { mock: { name: 'ubuntu-24.04' } } },
    networks: [{ name: 'eth0', attachment: { libvirt: { network: 'default' } } }],
    disks: [{ name: 'data', sizeGiB: 5 }],
    placement: { host: 'mock-host-1' },
  },
  expectCapabilities: { supportsSnapshots: true, supportsLinkedClones: true },
  taskTimeoutMs: 20_000,
});

// The provider conformance suite against provider-mock with three replicas run by the dev kubelet
// (a Provider with `replicas: 3`, rendered by the manager) sharing one mock hypervisor, through a
// round-robin client: consecutive calls of every check land on different replicas, so a task,
// VM or idempotent Create started on one replica is answered by the others.
import path from 'node:path';
import { describeConformance } from '@virtrigaud/provider-conformance';
import { applyReplicatedMock } from './support/provider-replicas';
import { startReplicatedProvider } from './support/replica-target';

const PROVIDER = 'conformance-x3';
const REPLICAS = 3;

describeConformance(`mock, ${REPLICAS} replicas behind round robin`, {
  start: () =>
    startReplicatedProvider({
      name: PROVIDER,
      replicas: REPLICAS,
      apply: (client, workDir) =>
        applyReplicatedMock(client, {
          name: PROVIDER,
          replicas: REPLICAS,
          stateDir: path.join(workDir, 'hypervisor'),
        }),
    }),
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

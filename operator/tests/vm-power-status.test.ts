// A user's power change shows in the VirtualMachine's status within a second, on the devcluster
// and on a real kube-apiserver (VIRTRIGAUD_TEST_SERVER=real). A real server often delivers the
// watch event of the manager's own write before the write's response; a manager that then waits
// for exactly that resourceVersion holds the next reconcile until its expectation expires (5 s).
import { Resources, type VirtualMachineStatus } from '@virtrigaud/api';
import type { KubeObject } from '@virtrigaud/kube';
import type { Manager } from '../src/manager';
import { eventually } from '@virtrigaud/testing';
import { startTestCluster, type TestCluster } from './support/cluster';
import { startManager } from './support/manager';
import {
  NAMESPACE,
  applyCompleteExample,
  providerReady,
  virtualMachine,
} from './support/seed-example';

jest.setTimeout(120_000);

/** What the user waits for: the status saying the new power state, well before 5 s. */
const STATUS_WITHIN_MS = 1_000;

type VMObject = KubeObject & { status?: VirtualMachineStatus };

let cluster: TestCluster;
let manager: Manager;

beforeAll(async () => {
  cluster = await startTestCluster({ kubelet: { maxProbePeriodMs: 200 } });
  manager = await startManager(cluster);
  const provider = await applyCompleteExample(cluster.client, {
    env: [{ name: 'MOCK_TASK_LATENCY', value: '100ms' }],
  });
  await providerReady(cluster.client, provider.metadata.name!);
});

afterAll(async () => {
  await manager?.stop();
  await cluster?.stop();
});

const vmWhen = (name: string, what: string, check: (vm: VMObject) => boolean) =>
  eventually(what, async () => {
    const vm = await cluster.client.get<VMObject>(Resources.VirtualMachine, NAMESPACE, name);
    return vm && vm.status?.observedGeneration === vm.metadata.generation && check(vm)
      ? vm
      : undefined;
  });

it(`shows a power change in status within ${STATUS_WITHIN_MS} ms`, async () => {
  const name = 'power';
  await cluster.client.create(Resources.VirtualMachine, virtualMachine(name));
  await vmWhen(name, 'Running', (vm) => vm.status?.phase === 'Running');

  for (const [powerState, phase] of [
    ['Off', 'Stopped'],
    ['On', 'Running'],
  ] as const) {
    const asked = Date.now();
    await cluster.client.patch(Resources.VirtualMachine, NAMESPACE, name, {
      spec: { powerState },
    });
    await vmWhen(
      name,
      `${phase} with powerState ${powerState}`,
      (vm) => vm.status?.phase === phase && vm.status.powerState === powerState,
    );
    expect(Date.now() - asked).toBeLessThan(STATUS_WITHIN_MS);
  }
});

// The VMSnapshot, VMClone and VMSet controllers on the devcluster, judged by what the real
// provider-mock process (run by the dev kubelet from the Provider's Deployment) holds: a snapshot
// taken, reverted and deleted on the hypervisor; a clone that becomes an ordinary Running VM
// without a second Create; a set that scales up and down with one hypervisor VM per member.
import type { KubeObject } from '@virtrigaud/kube';
import { Resources } from '@virtrigaud/api';
import type { VirtualMachine, VMClone, VMSet, VMSnapshot } from '@virtrigaud/api';
import { eventually } from '@virtrigaud/testing';
import type { Manager } from '../src/manager';
import { startTestCluster, type TestCluster } from './support/cluster';
import { startManager } from './support/manager';
import { duplicates, providerAddress, ProviderProbe } from './support/provider-probe';
import { NAMESPACE, ubuntuImage, vmClass } from './support/seed-example';

jest.setTimeout(120_000);

const API_VERSION = 'infra.virtrigaud.io/v1beta1';
const PROVIDER = 'lab';

let cluster: TestCluster;
let manager: Manager;
let probe: ProviderProbe;

type Object<T> = T & KubeObject;

beforeAll(async () => {
  cluster = await startTestCluster({ kubelet: { maxProbePeriodMs: 200 } });
  manager = await startManager(cluster);
  await cluster.client.create(Resources.Provider, {
    apiVersion: API_VERSION,
    kind: 'Provider',
    metadata: { name: PROVIDER, namespace: NAMESPACE },
    spec: {
      type: 'mock',
      endpoint: 'mock://lab',
      rateLimit: { qps: 500, burst: 1000 },
      runtime: { env: [{ name: 'MOCK_TASK_LATENCY', value: '50ms' }] },
    },
  } as KubeObject);
  await cluster.client.create(Resources.VMClass, vmClass('small', 1, '1Gi'));
  await cluster.client.create(Resources.VMImage, ubuntuImage());
  probe = new ProviderProbe(await providerAddress(cluster.client, PROVIDER));
});

afterAll(async () => {
  probe?.close();
  await manager?.stop();
  await cluster?.stop();
});

const vmSpec = (powerState: 'On' | 'Off') => ({
  providerRef: { name: PROVIDER },
  classRef: { name: 'small' },
  imageRef: { name: 'ubuntu' },
  powerState,
});

async function createVm(name: string, powerState: 'On' | 'Off') {
  await cluster.client.create(Resources.VirtualMachine, {
    apiVersion: API_VERSION,
    kind: 'VirtualMachine',
    metadata: { name, namespace: NAMESPACE },
    spec: vmSpec(powerState),
  } as KubeObject);
}

function get<T>(type: (typeof Resources)[keyof typeof Resources], name: string) {
  return cluster.client.get<Object<T>>(type, NAMESPACE, name);
}

const vmInPhase = (name: string, phase: string) =>
  eventually(`VM ${name} ${phase}`, async () => {
    const vm = await get<VirtualMachine>(Resources.VirtualMachine, name);
    return vm?.status?.phase === phase && !vm.status.lastTaskRef && vm;
  });

/** The snapshot names the hypervisor holds for VM `id` (the mock shows them in its raw JSON). */
async function hypervisorSnapshots(id: string): Promise<string[]> {
  const raw = JSON.parse((await probe.describe(id)).providerRawJson) as {
    snapshots?: { name: string }[];
  };
  return (raw.snapshots ?? []).map((s) => s.name);
}

const hypervisorNames = async () => (await probe.listVMs()).map((vm) => vm.name);

describe('VMSnapshot', () => {
  it('takes the snapshot, reverts to it on request, deletes it with the object', async () => {
    await createVm('db', 'Off');
    const vm = await vmInPhase('db', 'Stopped');
    await cluster.client.create(Resources.VMSnapshot, {
      apiVersion: API_VERSION,
      kind: 'VMSnapshot',
      metadata: { name: 'before-upgrade', namespace: NAMESPACE },
      spec: { vmRef: { name: 'db' }, nameHint: 'before-upgrade', description: 'pre 2.0' },
    } as KubeObject);
    const ready = await eventually('the snapshot Ready', async () => {
      const snapshot = await get<VMSnapshot>(Resources.VMSnapshot, 'before-upgrade');
      return snapshot?.status?.phase === 'Ready' && snapshot;
    });
    expect(ready.status!.snapshotId).toBeTruthy();
    expect(ready.status!.creationTime).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(await hypervisorSnapshots(vm.status!.id!)).toEqual(['before-upgrade']);

    await cluster.client.patch(Resources.VMSnapshot, NAMESPACE, 'before-upgrade', {
      metadata: { annotations: { 'infra.virtrigaud.io/revert': 'r1' } },
    });
    await eventually('the revert echoed', async () => {
      const snapshot = await get<VMSnapshot>(Resources.VMSnapshot, 'before-upgrade');
      return snapshot?.metadata.annotations?.['infra.virtrigaud.io/reverted'] === 'r1';
    });

    await cluster.client.delete(Resources.VMSnapshot, NAMESPACE, 'before-upgrade');
    await eventually('the snapshot object gone', async () =>
      (await get<VMSnapshot>(Resources.VMSnapshot, 'before-upgrade')) ? false : true,
    );
    expect(await hypervisorSnapshots(vm.status!.id!)).toEqual([]);
  });

  it('names the missing VM when vmRef points nowhere', async () => {
    await cluster.client.create(Resources.VMSnapshot, {
      apiVersion: API_VERSION,
      kind: 'VMSnapshot',
      metadata: { name: 'orphan', namespace: NAMESPACE },
      spec: { vmRef: { name: 'no-such-vm' } },
    } as KubeObject);
    const blocked = await eventually('a Ready=False condition', async () => {
      const snapshot = await get<VMSnapshot>(Resources.VMSnapshot, 'orphan');
      return snapshot?.status?.conditions?.find((c) => c.type === 'Ready' && c.status === 'False');
    });
    expect(blocked.message).toContain('spec.vmRef.name');
    expect(blocked.message).toContain('no-such-vm');
  });
});

describe('VMClone', () => {
  it('creates the target VirtualMachine from the clone, which then runs like any VM', async () => {
    await createVm('golden', 'Off');
    await vmInPhase('golden', 'Stopped');
    await cluster.client.create(Resources.VMClone, {
      apiVersion: API_VERSION,
      kind: 'VMClone',
      metadata: { name: 'golden-copy', namespace: NAMESPACE },
      spec: { sourceRef: { name: 'golden' }, target: { name: 'golden-2' } },
    } as KubeObject);
    const done = await eventually('the clone Ready', async () => {
      const clone = await get<VMClone>(Resources.VMClone, 'golden-copy');
      return clone?.status?.phase === 'Ready' && clone;
    });
    const target = await vmInPhase('golden-2', 'Stopped');
    // The VM controller adopted the cloned VM (idempotent Create by owner uid), not made another.
    expect(target.status!.id).toBe(done.status!.targetVMId);
    const names = await hypervisorNames();
    expect(duplicates(await probe.listVMs())).toEqual([]);
    expect(names.filter((n) => n.includes('golden'))).toHaveLength(2);

    await cluster.client.patch(Resources.VirtualMachine, NAMESPACE, 'golden-2', {
      spec: { powerState: 'On' },
    });
    const running = await vmInPhase('golden-2', 'Running');
    expect(running.status!.ips!.length).toBeGreaterThan(0);
  });
});

describe('VMSet', () => {
  const members = async () =>
    (await cluster.client.list<Object<VirtualMachine>>(Resources.VirtualMachine, NAMESPACE)).items
      .filter((vm) => vm.metadata.labels?.app === 'web')
      .map((vm) => vm.metadata.name!)
      .sort();

  it('keeps replicas members Running, one hypervisor VM each, and scales down from the top', async () => {
    await cluster.client.create(Resources.VMSet, {
      apiVersion: API_VERSION,
      kind: 'VMSet',
      metadata: { name: 'web', namespace: NAMESPACE },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: vmSpec('On') },
      },
    } as KubeObject);
    await eventually('3 ready members', async () => {
      const set = await get<VMSet>(Resources.VMSet, 'web');
      return set?.status?.readyReplicas === 3;
    });
    expect(await members()).toEqual(['web-0', 'web-1', 'web-2']);
    for (const name of await members()) await vmInPhase(name, 'Running');
    expect(duplicates(await probe.listVMs())).toEqual([]);
    const onHypervisor = async () =>
      (await hypervisorNames()).filter((n) => /web-\d$/.test(n)).length;
    expect(await onHypervisor()).toBe(3);

    await cluster.client.patch(Resources.VMSet, NAMESPACE, 'web', { spec: { replicas: 1 } });
    await eventually('scaled down to web-0', async () => {
      const names = await members();
      return names.length === 1 && names[0] === 'web-0';
    });
    await eventually('the hypervisor VMs of web-1 and web-2 deleted', async () => {
      return (await onHypervisor()) === 1;
    });
  });
});

// What the provider process is asked to do for a VM, counted where it happens: the real
// provider-mock runtime, run by the dev kubelet from the Provider's generated Deployment, records
// every Power and Describe call it receives.
// - Reboot through annotation infra.virtrigaud.io/reboot-requested-at: one Power(REBOOT) per
//   distinct value, none for a repeated value or a later resync, none again when the manager
//   restarts while the reboot task is still running, and none for a VM that is off.
// - A VM that has settled is not Described again because of its own status write.
import { type KubeObject, KubeResources } from '@virtrigaud/kube';
import { Resources } from '@virtrigaud/api';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REBOOT_REQUESTED_ANNOTATION, type VirtualMachine } from '@virtrigaud/api';
import { eventually } from '@virtrigaud/testing';
import type { Manager } from '../src/manager';
import { startTestCluster, type TestCluster } from './support/cluster';
import { startManager } from './support/manager';
import { ubuntuImage, vmClass } from './support/seed-example';

jest.setTimeout(120_000);

const NS = 'default';
const API_VERSION = 'infra.virtrigaud.io/v1beta1';
const FIXTURE = path.join(__dirname, 'fixtures', 'call-recording-provider-mock.js');

let cluster: TestCluster;
let manager: Manager;
let workDir: string;
let callsFile: string;

type VM = VirtualMachine & KubeObject;

beforeAll(async () => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'virtrigaud-provider-calls-'));
  callsFile = path.join(workDir, 'provider-calls.jsonl');
  cluster = await startTestCluster({ kubelet: { images: { 'provider-mock': [FIXTURE] } } });
  manager = await startManager(cluster);
  await cluster.client.create(Resources.Provider, {
    apiVersion: API_VERSION,
    kind: 'Provider',
    metadata: { name: 'lab', namespace: NS },
    spec: {
      type: 'mock',
      endpoint: 'mock://lab',
      runtime: {
        env: [
          { name: 'PROVIDER_CALLS_FILE', value: callsFile },
          // Long enough that the manager can be restarted while a reboot task is still running.
          { name: 'MOCK_TASK_LATENCY', value: '1500ms' },
        ],
      },
    },
  } as KubeObject);
  await cluster.client.create(Resources.VMClass, vmClass('small', 1, '1Gi'));
  await cluster.client.create(Resources.VMImage, ubuntuImage());
});

afterAll(async () => {
  await manager?.stop();
  await cluster?.stop();
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
});

async function createVm(name: string, powerState: 'On' | 'Off'): Promise<void> {
  await cluster.client.create(Resources.VirtualMachine, {
    apiVersion: API_VERSION,
    kind: 'VirtualMachine',
    metadata: { name, namespace: NS },
    spec: {
      providerRef: { name: 'lab' },
      classRef: { name: 'small' },
      imageRef: { name: 'ubuntu' },
      powerState,
    },
  } as KubeObject);
}

const getVm = (name: string) => cluster.client.get<VM>(Resources.VirtualMachine, NS, name);

/** Settled in `phase`: Ready, no task in flight. */
function isSettled(vm: VM | undefined, phase: 'Running' | 'Stopped'): vm is VM {
  const ready = vm?.status?.conditions?.find((c) => c.type === 'Ready');
  return vm?.status?.phase === phase && ready?.status === 'True' && !vm.status.lastTaskRef;
}

/** The VM once it is settled in `phase` and `accept` holds. */
function settled(
  name: string,
  phase: 'Running' | 'Stopped',
  accept: (vm: VM) => boolean = () => true,
) {
  return eventually(
    `VM ${name} settled in ${phase}`,
    async () => {
      const vm = await getVm(name);
      return isSettled(vm, phase) && accept(vm) && vm;
    },
    { timeoutMs: 60_000 },
  );
}

const hasIps = (vm: VM) => (vm.status?.ips?.length ?? 0) > 0;

function requestReboot(name: string, value: string) {
  return cluster.client.patch(Resources.VirtualMachine, NS, name, {
    metadata: { annotations: { [REBOOT_REQUESTED_ANNOTATION]: value } },
  });
}

interface ProviderCall {
  method: 'power' | 'describe';
  id: string;
  op?: string;
}

/** The calls the provider received for the hypervisor VM `id`, in order. */
function providerCalls(id: string): ProviderCall[] {
  if (!fs.existsSync(callsFile)) return [];
  return fs
    .readFileSync(callsFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as ProviderCall)
    .filter((call) => call.id === id);
}

/** The power operations the provider received for `id`, in order. */
const powerCalls = (id: string) =>
  providerCalls(id).flatMap((call) => (call.method === 'power' ? [call.op] : []));

const describeCalls = (id: string) =>
  providerCalls(id).filter((call) => call.method === 'describe').length;

async function eventReasons(name: string): Promise<string[]> {
  const events = await cluster.client.list<
    KubeObject & { reason?: string; count?: number; involvedObject?: { name?: string } }
  >(KubeResources.Event, NS);
  return events.items
    .filter((e) => e.involvedObject?.name === name)
    .flatMap((e) => Array<string>(e.count ?? 1).fill(e.reason ?? ''));
}

it('reboots once per requested value, also when the manager restarts during the reboot', async () => {
  await createVm('web', 'On');
  const running = await settled('web', 'Running', hasIps);
  const id = running.status!.id!;
  // The mock creates VMs off, so the operator has powered this one on.
  expect(powerCalls(id)).toEqual(['on']);

  await requestReboot('web', '2026-12-03T10:00:00Z');
  await settled(
    'web',
    'Running',
    (vm) => vm.status?.observedRebootRequest === '2026-12-03T10:00:00Z',
  );
  expect(powerCalls(id)).toEqual(['on', 'reboot']);

  // Another change to the object makes the manager look at the VM again: the value is handled.
  await cluster.client.patch(Resources.VirtualMachine, NS, 'web', {
    metadata: { labels: { touched: 'yes' } },
  });
  await requestReboot('web', '2026-12-03T10:00:00Z');
  await settled('web', 'Running', (vm) => vm.metadata.labels?.touched === 'yes');

  // A new value; the manager stops as soon as it recorded the reboot, while the task still runs.
  await requestReboot('web', '2026-12-03T10:05:00Z');
  const recorded = await eventually('the second reboot recorded', async () => {
    const vm = await getVm('web');
    return vm?.status?.observedRebootRequest === '2026-12-03T10:05:00Z' && vm;
  });
  await manager.stop();
  expect(recorded.status!.lastTaskRef).toBeTruthy();
  const atRestart = await getVm('web');
  manager = await startManager(cluster);
  // The new manager resumes the task it finds in status and settles the VM, without rebooting.
  const after = await settled('web', 'Running');
  expect(after.status!.observedRebootRequest).toBe('2026-12-03T10:05:00Z');
  expect(powerCalls(id)).toEqual(['on', 'reboot', 'reboot']);
  expect((await eventReasons('web')).filter((r) => r === 'Rebooting')).toHaveLength(2);
  // Proof that the restart happened mid-task (so the new manager was the one to finish it).
  expect(atRestart!.status!.lastTaskRef).toBeTruthy();
});

it('does not reboot a VM that is off, and records the request as handled', async () => {
  await createVm('cold', 'Off');
  const stopped = await settled('cold', 'Stopped');
  const id = stopped.status!.id!;
  const before = powerCalls(id);
  expect(before).not.toContain('reboot');

  await requestReboot('cold', '2026-12-03T11:00:00Z');
  await settled(
    'cold',
    'Stopped',
    (vm) => vm.status?.observedRebootRequest === '2026-12-03T11:00:00Z',
  );
  expect(powerCalls(id)).toEqual(before);
  expect(await eventReasons('cold')).toContain('RebootNotNeeded');
});

it('does not reboot a new VM for a request it was created with', async () => {
  await cluster.client.create(Resources.VirtualMachine, {
    apiVersion: API_VERSION,
    kind: 'VirtualMachine',
    metadata: {
      name: 'fresh',
      namespace: NS,
      annotations: { [REBOOT_REQUESTED_ANNOTATION]: '2026-12-03T09:00:00Z' },
    },
    spec: {
      providerRef: { name: 'lab' },
      classRef: { name: 'small' },
      imageRef: { name: 'ubuntu' },
    },
  } as KubeObject);
  const running = await settled('fresh', 'Running', hasIps);
  expect(running.status!.observedRebootRequest).toBe('2026-12-03T09:00:00Z');
  expect(powerCalls(running.status!.id!)).not.toContain('reboot');
});

it('does not Describe a settled VM again because of its own status write', async () => {
  const vms = manager.informers.find((i) => i.type.plural === 'virtualmachines')!;
  const queue = manager.controllers.find((c) => c.name === 'virtualmachine')!.queue;
  // Handlers run in the order they were added, so this one sees each event after the
  // controller's own watch has seen it (and queued the VM, or not).
  let describesBeforeItsWrite: number | undefined;
  vms.on((_type, obj) => {
    const vm = obj as VM;
    if (vm.metadata.name !== 'quiet' || describesBeforeItsWrite !== undefined) return;
    if (isSettled(vm, 'Running') && hasIps(vm))
      describesBeforeItsWrite = describeCalls(vm.status!.id!);
  });
  await createVm('quiet', 'On');
  const running = await settled('quiet', 'Running', hasIps);
  await eventually(
    'the VM controller idle',
    () => describesBeforeItsWrite !== undefined && queue.idle,
  );
  expect(describesBeforeItsWrite).toBeGreaterThan(0);
  expect(describeCalls(running.status!.id!)).toBe(describesBeforeItsWrite);
});

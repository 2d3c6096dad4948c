import type { VirtualMachineStatus } from '@virtrigaud/api';
import { PowerOp } from '@virtrigaud/proto';
import { decide, type Action } from './decide';
import type { VM } from './reconciler';

const HASH = 'hw-now';
const OLD_HASH = 'hw-before';
const ON = PowerOp.POWER_OP_ON;
const OFF = PowerOp.POWER_OP_OFF;
const SHUTDOWN = PowerOp.POWER_OP_SHUTDOWN_GRACEFUL;

/** A VM with the given spec.powerState and reboot annotation. */
function vm(powerState: 'On' | 'Off' | 'OffGraceful', rebootRequestedAt?: string): VM {
  return {
    apiVersion: 'infra.virtrigaud.io/v1beta1',
    kind: 'VirtualMachine',
    metadata: {
      namespace: 'default',
      name: 'web',
      annotations: rebootRequestedAt
        ? { 'infra.virtrigaud.io/reboot-requested-at': rebootRequestedAt }
        : {},
    },
    spec: {
      providerRef: { name: 'lab' },
      classRef: { name: 'small' },
      imageRef: { name: 'ubuntu' },
      powerState,
    },
  } as VM;
}

/** A created VM whose hardware is applied. */
const created: VirtualMachineStatus = { id: 'vm-1', appliedHardwareHash: HASH };
const on = { exists: true, powerState: 'On' };
const off = { exists: true, powerState: 'Off' };
const gone = { exists: false, powerState: '' };

type Row = {
  case: string;
  spec: 'On' | 'Off' | 'OffGraceful';
  reboot?: string;
  status: VirtualMachineStatus;
  described?: { exists: boolean; powerState: string };
  online?: boolean;
  next: Action;
};

// Read a row as: "<case>: a VM that should be <spec>, with status <status>, which the provider
// describes as <described>, gets <next>".
const rows: Row[] = [
  { case: 'a new VM is created', spec: 'On', status: {}, next: { type: 'Create' } },
  {
    case: 'a task in flight is polled before anything else',
    spec: 'On',
    status: { ...created, lastTaskRef: 'task-7' },
    described: on,
    next: { type: 'PollTask', taskId: 'task-7' },
  },
  {
    case: 'a create task in flight is polled, not created again',
    spec: 'On',
    status: { lastTaskRef: 'task-1' },
    next: { type: 'PollTask', taskId: 'task-1' },
  },
  {
    case: 'a created VM is described first',
    spec: 'On',
    status: created,
    next: { type: 'Describe' },
  },
  {
    case: 'a VM gone from the hypervisor is created again',
    spec: 'On',
    status: created,
    described: gone,
    next: { type: 'Recreate' },
  },
  {
    case: 'a changed class on a provider without online reconfigure: shut down first',
    spec: 'On',
    status: { ...created, appliedHardwareHash: OLD_HASH },
    described: on,
    next: { type: 'ShutdownForReconfigure' },
  },
  {
    case: 'a changed class on a running VM of a provider with online reconfigure',
    spec: 'On',
    status: { ...created, appliedHardwareHash: OLD_HASH },
    described: on,
    online: true,
    next: { type: 'Reconfigure' },
  },
  {
    case: 'a changed class on a stopped VM',
    spec: 'On',
    status: { ...created, appliedHardwareHash: OLD_HASH },
    described: off,
    next: { type: 'Reconfigure' },
  },
  {
    case: 'an off VM that should run is powered on',
    spec: 'On',
    status: created,
    described: off,
    next: { type: 'Power', op: ON },
  },
  {
    case: 'a running VM that should be Off is powered off hard',
    spec: 'Off',
    status: created,
    described: on,
    next: { type: 'Power', op: OFF },
  },
  {
    case: 'a running VM that should be OffGraceful is shut down',
    spec: 'OffGraceful',
    status: created,
    described: on,
    next: { type: 'Power', op: SHUTDOWN },
  },
  {
    case: 'a VM in an unknown power state that should run is powered on',
    spec: 'On',
    status: created,
    described: { exists: true, powerState: 'Unknown' },
    next: { type: 'Power', op: ON },
  },
  {
    case: 'a running VM as wanted settles',
    spec: 'On',
    status: created,
    described: on,
    next: { type: 'Settle' },
  },
  {
    case: 'a stopped VM as wanted settles',
    spec: 'Off',
    status: created,
    described: off,
    next: { type: 'Settle' },
  },
  {
    case: 'a new reboot request on a running VM reboots it',
    spec: 'On',
    reboot: 't2',
    status: { ...created, observedRebootRequest: 't1' },
    described: on,
    next: { type: 'Reboot', request: 't2' },
  },
  {
    case: 'a reboot request already acted on does nothing',
    spec: 'On',
    reboot: 't1',
    status: { ...created, observedRebootRequest: 't1' },
    described: on,
    next: { type: 'Settle' },
  },
  {
    case: 'a reboot request on an off VM that should run is answered by powering on',
    spec: 'On',
    reboot: 't2',
    status: created,
    described: off,
    next: { type: 'Power', op: ON, answersReboot: 't2' },
  },
  {
    case: 'a reboot request on a running VM that should be off is answered by powering off',
    spec: 'Off',
    reboot: 't2',
    status: created,
    described: on,
    next: { type: 'Power', op: OFF, answersReboot: 't2' },
  },
  {
    case: 'a reboot request on a stopped VM that should stay off is recorded, not acted on',
    spec: 'Off',
    reboot: 't2',
    status: created,
    described: off,
    next: { type: 'Settle', answersReboot: 't2' },
  },
];

describe('the VirtualMachine decision', () => {
  it.each(rows)('$case', (row) => {
    const next = decide({
      vm: vm(row.spec, row.reboot),
      status: row.status,
      described: row.described,
      desiredHardwareHash: HASH,
      reconfigureOnline: row.online ?? false,
    });
    expect(next).toEqual(row.next);
  });
});

// The VirtualMachine controller's decision, kept pure: from the VM (spec, annotations), its status
// as this reconcile has advanced it and the provider's last Describe, the one next step. The
// reconciler performs the step, folds the answer into status or `described`, and asks again until
// a step ends the reconcile; it never decides anything itself.
import { REBOOT_REQUESTED_ANNOTATION, type VirtualMachineStatus } from '@virtrigaud/api';
import { PowerOp, type DescribeResponse } from '@virtrigaud/proto';
import type { VM } from './reconciler';

export interface Observed {
  vm: VM;
  status: VirtualMachineStatus;
  /** The provider's answer to Describe in this reconcile; undefined until asked. */
  described?: Pick<DescribeResponse, 'exists' | 'powerState'>;
  /** hardwareHash of the class and disks the VM should have now. */
  desiredHardwareHash: string;
  /** The Provider can change CPU, memory and disks of a running VM. */
  reconfigureOnline: boolean;
}

export type Action =
  /** A task is in flight (status.lastTaskRef): ask how it is doing. */
  | { type: 'PollTask'; taskId: string }
  /** No hypervisor id yet: Create (idempotent by the VM's uid). */
  | { type: 'Create' }
  /** Nothing known about the hypervisor VM yet in this reconcile. */
  | { type: 'Describe' }
  /** The hypervisor VM is gone: forget its id, so the next reconcile creates it again. */
  | { type: 'Recreate' }
  /** The hardware changed but the provider cannot apply it while the VM runs: shut down first. */
  | { type: 'ShutdownForReconfigure' }
  | { type: 'Reconfigure' }
  /** Power differs from spec.powerState; `answersReboot` is a pending reboot request it settles. */
  | { type: 'Power'; op: PowerOp; answersReboot?: string }
  /** A running VM has a reboot request it has not acted on. */
  | { type: 'Reboot'; request: string }
  /** Nothing to change: write what Describe reported; `answersReboot` is a request for an off VM. */
  | { type: 'Settle'; answersReboot?: string };

export function decide(o: Observed): Action {
  const { status, described } = o;
  if (status.lastTaskRef) return { type: 'PollTask', taskId: status.lastTaskRef };
  if (!status.id) return { type: 'Create' };
  if (!described) return { type: 'Describe' };
  if (!described.exists) return { type: 'Recreate' };
  if (status.appliedHardwareHash !== o.desiredHardwareHash) {
    return described.powerState === 'On' && !o.reconfigureOnline
      ? { type: 'ShutdownForReconfigure' }
      : { type: 'Reconfigure' };
  }
  const reboot = pendingReboot(o.vm, status);
  const op = powerOp(o.vm, described.powerState);
  // A power change answers a reboot request too: powering on boots the VM anyway, and one that
  // should be off is not rebooted.
  if (op !== undefined) return { type: 'Power', op, answersReboot: reboot };
  if (reboot && described.powerState === 'On') return { type: 'Reboot', request: reboot };
  return { type: 'Settle', answersReboot: reboot };
}

/** The reboot annotation's value, when set. */
export function rebootRequest(vm: VM): string | undefined {
  return vm.metadata.annotations?.[REBOOT_REQUESTED_ANNOTATION] || undefined;
}

/** The reboot request not acted on yet: the annotation's value when status has not recorded it. */
function pendingReboot(vm: VM, status: VirtualMachineStatus): string | undefined {
  const requested = rebootRequest(vm);
  return requested !== undefined && requested !== status.observedRebootRequest
    ? requested
    : undefined;
}

function powerOp(vm: VM, observed: string): PowerOp | undefined {
  const desired = vm.spec.powerState ?? 'On';
  if (desired === 'On' && observed !== 'On') return PowerOp.POWER_OP_ON;
  if (desired !== 'On' && observed === 'On') {
    return desired === 'OffGraceful' ? PowerOp.POWER_OP_SHUTDOWN_GRACEFUL : PowerOp.POWER_OP_OFF;
  }
  return undefined;
}

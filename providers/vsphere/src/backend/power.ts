// Power operations. Asking for the state a VM is already in succeeds without a task (the operator
// repeats requests after restarts), and so does a power task vCenter finishes within
// ANSWER_WITHIN_MS (quick-tasks.ts). A graceful shutdown returns a synthetic task that any replica
// can evaluate: done once the VM is off, and forced off once its deadline has passed.
import {
  failedPrecondition,
  notFound,
  type CallContext,
  type Operation,
  type PowerOperation,
} from '@virtrigaud/provider-sdk';
import type { MoRef } from '../vim25/moref';
import { retrieveOne } from '../vim25/properties';
import type { TaskInfo } from '../vim25/tasks';
import { moref, text } from '../vim25/xml';
import type { VSphereContext } from './context';
import { isFault } from './errors';
import { quickOutcome } from './quick-tasks';

const GUEST_SHUTDOWN_TASK = 'guest-shutdown';

export async function readPowerState(vs: VSphereContext, ctx: CallContext, id: string) {
  const vm = await vs.vms.read(id, ['runtime.powerState'], ctx.signal);
  if (!vm) throw notFound(`VM ${id} not found`);
  return { ref: vm.obj, state: text(vm.props.get('runtime.powerState')) };
}

/** No task when the power task ended as asked within the answer bound, else its id. */
async function answer(vs: VSphereContext, ctx: CallContext, task: MoRef): Promise<Operation> {
  const info = await quickOutcome(vs, ctx, task);
  if (info?.state === 'success') return {};
  if (info?.state === 'error' && (await settledPowerTask(vs, ctx, info))) return {};
  return { task: task.value };
}

/**
 * Power on/off go straight to vCenter (one call, as a hand-written client would). When the VM is
 * already in that state vCenter fails the task with InvalidPowerState, which counts as done
 * (see settledPowerTask).
 */
async function directPower(vs: VSphereContext, ctx: CallContext, id: string, method: string) {
  const started = await vs.vms.withVm(
    id,
    async (ref) => moref(await vs.client.invoke(method, ref, {}, ctx.signal))!,
    ctx.signal,
  );
  if (!started) throw notFound(`VM ${id} not found`);
  return answer(vs, ctx, started.value);
}

export async function power(
  vs: VSphereContext,
  ctx: CallContext,
  id: string,
  op: PowerOperation,
  gracefulTimeoutSeconds: number,
): Promise<Operation> {
  if (op === 'on') return directPower(vs, ctx, id, 'PowerOnVM_Task');
  if (op === 'off') return directPower(vs, ctx, id, 'PowerOffVM_Task');
  const { ref, state } = await readPowerState(vs, ctx, id);
  const call = async (method: string) =>
    answer(vs, ctx, moref(await vs.client.invoke(method, ref, {}, ctx.signal))!);
  if (op === 'reboot') {
    if (state !== 'poweredOn') throw failedPrecondition(`VM ${id} is ${state}, cannot reboot`);
    return call('ResetVM_Task');
  }
  if (state === 'poweredOff') return {};
  try {
    await vs.client.invoke('ShutdownGuest', ref, {}, ctx.signal);
  } catch (err) {
    // Without VMware Tools the guest cannot be asked: power off right away.
    if (isFault(err, 'ToolsUnavailable', 'InvalidState')) return call('PowerOffVM_Task');
    throw err;
  }
  return { task: guestShutdownTask(id, Date.now() + gracefulTimeoutSeconds * 1000) };
}

const POWER_TASK_STATES: Record<string, string> = {
  'VirtualMachine.powerOn': 'poweredOn',
  'VirtualMachine.powerOff': 'poweredOff',
};

/**
 * A power on/off task that failed only because the VM already was in that state has reached
 * what was asked (repeated requests after operator restarts are normal).
 */
export async function settledPowerTask(
  vs: VSphereContext,
  ctx: CallContext,
  info: TaskInfo,
): Promise<boolean> {
  const wanted = info.descriptionId && POWER_TASK_STATES[info.descriptionId];
  if (info.errorType !== 'InvalidPowerState' || !wanted || !info.entity) return false;
  try {
    const vm = await retrieveOne(vs.client, info.entity, ['runtime.powerState'], ctx.signal);
    return text(vm.props.get('runtime.powerState')) === wanted;
  } catch (err) {
    if (isFault(err, 'ManagedObjectNotFound')) return false;
    throw err;
  }
}

function guestShutdownTask(id: string, deadline: number): string {
  return `${GUEST_SHUTDOWN_TASK}:${id}:${deadline}`;
}

export function parseGuestShutdownTask(task: string) {
  const [kind, id, deadline] = task.split(':');
  if (kind !== GUEST_SHUTDOWN_TASK || !id || !deadline) return undefined;
  return { id, deadline: Number(deadline) };
}

/** State of a guest shutdown: off → done; past the deadline → hard power off (then done). */
export async function guestShutdownStatus(
  vs: VSphereContext,
  ctx: CallContext,
  shutdown: { id: string; deadline: number },
) {
  const vm = await vs.vms.read(shutdown.id, ['runtime.powerState'], ctx.signal);
  if (!vm || text(vm.props.get('runtime.powerState')) === 'poweredOff') return { done: true };
  if (Date.now() < shutdown.deadline) return { done: false };
  ctx.log.info({ id: shutdown.id }, 'guest did not shut down in time, powering off');
  try {
    await vs.client.invoke('PowerOffVM_Task', vm.obj, {}, ctx.signal);
  } catch (err) {
    if (!isFault(err, 'InvalidPowerState')) throw err;
  }
  return { done: false };
}

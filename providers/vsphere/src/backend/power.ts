// Power operations. Asking for the state a VM is already in succeeds without a task (the operator
// repeats requests after restarts). A graceful shutdown returns a synthetic task that any replica
// can evaluate: done once the VM is off, and forced off once its deadline has passed.
import {
  failedPrecondition,
  notFound,
  type CallContext,
  type Operation,
  type PowerOperation,
} from '@virtrigaud/provider-sdk';
import { moref, text } from '../vim25/xml';
import type { VSphereContext } from './context';
import { isFault } from './errors';

const GUEST_SHUTDOWN_TASK = 'guest-shutdown';

export async function readPowerState(vs: VSphereContext, ctx: CallContext, id: string) {
  const vm = await vs.vms.read(id, ['runtime.powerState'], ctx.signal);
  if (!vm) throw notFound(`VM ${id} not found`);
  return { ref: vm.obj, state: text(vm.props.get('runtime.powerState')) };
}

export async function power(
  vs: VSphereContext,
  ctx: CallContext,
  id: string,
  op: PowerOperation,
  gracefulTimeoutSeconds: number,
): Promise<Operation> {
  const { ref, state } = await readPowerState(vs, ctx, id);
  const call = async (method: string) =>
    ({ task: moref(await vs.client.invoke(method, ref, {}, ctx.signal))!.value }) as Operation;
  switch (op) {
    case 'on':
      return state === 'poweredOn' ? {} : call('PowerOnVM_Task');
    case 'off':
      return state === 'poweredOff' ? {} : call('PowerOffVM_Task');
    case 'reboot':
      if (state !== 'poweredOn') throw failedPrecondition(`VM ${id} is ${state}, cannot reboot`);
      return call('ResetVM_Task');
    case 'shutdownGraceful':
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

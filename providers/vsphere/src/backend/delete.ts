// Delete: power off if needed, then Destroy_Task. A missing VM is already deleted.
import {
  failedPrecondition,
  type CallContext,
  type Operation,
  type Owner,
} from '@virtrigaud/provider-sdk';
import { waitForTask } from '../vim25/tasks';
import { moref, text } from '../vim25/xml';
import type { VSphereContext } from './context';
import { isFault } from './errors';
import { OWNER_UID, readExtraConfig } from './extra-config';

export async function deleteVm(
  vs: VSphereContext,
  ctx: CallContext,
  id: string,
  owner?: Owner,
): Promise<Operation> {
  const vm = await vs.vms.read(id, ['runtime.powerState', 'config.extraConfig'], ctx.signal);
  if (!vm) return {};
  const vmOwner = readExtraConfig(vm.props.get('config.extraConfig')).get(OWNER_UID);
  if (owner && vmOwner && vmOwner !== owner.uid) {
    throw failedPrecondition(`VM ${id} belongs to owner ${vmOwner}, not ${owner.uid}`);
  }
  if (text(vm.props.get('runtime.powerState')) !== 'poweredOff') {
    try {
      const off = moref(await vs.client.invoke('PowerOffVM_Task', vm.obj, {}, ctx.signal))!;
      await waitForTask(vs.client, off, ctx.signal);
    } catch (err) {
      // Powered off meanwhile (another replica, a user): fine, destroy it.
      if (!isFault(err, 'InvalidPowerState')) throw err;
    }
  }
  try {
    const task = moref(await vs.client.invoke('Destroy_Task', vm.obj, {}, ctx.signal))!;
    return { task: task.value };
  } catch (err) {
    if (isFault(err, 'ManagedObjectNotFound')) return {};
    throw err;
  } finally {
    vs.vms.forget(id);
  }
}

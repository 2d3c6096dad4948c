// Virtual hardware upgrade (UpgradeVM_Task to vmx-<N>); the VM must be powered off.
import {
  failedPrecondition,
  invalidArgument,
  notFound,
  type CallContext,
  type Operation,
} from '@virtrigaud/provider-sdk';
import { moref, text } from '../vim25/xml';
import type { VSphereContext } from './context';

export async function hardwareUpgrade(
  vs: VSphereContext,
  ctx: CallContext,
  id: string,
  targetVersion: number,
): Promise<Operation> {
  if (!Number.isInteger(targetVersion) || targetVersion < 4) {
    throw invalidArgument('target_version', 'expected a virtual hardware version such as 19');
  }
  const vm = await vs.vms.read(id, ['config.version', 'runtime.powerState'], ctx.signal);
  if (!vm) throw notFound(`VM ${id} not found`);
  const current = Number(/^vmx-(\d+)$/.exec(text(vm.props.get('config.version')) ?? '')?.[1] ?? 0);
  if (current >= targetVersion) return {};
  if (text(vm.props.get('runtime.powerState')) !== 'poweredOff') {
    throw failedPrecondition(`VM ${id} must be powered off for a hardware upgrade`);
  }
  const task = moref(
    await vs.client.invoke(
      'UpgradeVM_Task',
      vm.obj,
      { version: `vmx-${targetVersion}` },
      ctx.signal,
    ),
  )!;
  return { task: task.value };
}

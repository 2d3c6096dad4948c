// Delete: refuses a VM stamped for another owner, stops a running VM first, then destroys it with
// its disks (`purge`, `destroy-unreferenced-disks`). A VM that is already gone is success.
import {
  failedPrecondition,
  type CallContext,
  type Operation,
  type Owner,
} from '@virtrigaud/provider-sdk';
import { waitForTask } from '../client/tasks';
import type { PveContext } from './context';
import { readOwner } from './owner';
import { currentStatus } from './power';
import { findVm, readConfig, vmPath } from './resources';

export async function deleteVm(
  pve: PveContext,
  ctx: CallContext,
  id: string,
  owner?: Owner,
): Promise<Operation> {
  const vm = await findVm(pve, id, ctx);
  if (!vm) return {};
  const stamp = readOwner((await readConfig(pve, vm, ctx)).description);
  if (owner && stamp.uid !== owner.uid) {
    throw failedPrecondition(
      `VM ${id} belongs to ${stamp.uid ? 'another owner' : 'nobody managed by VirtRigaud'}; not deleting it`,
    );
  }
  if ((await currentStatus(pve, vm, ctx)).status === 'running') {
    await waitForTask(
      pve.client,
      await pve.client.post<string>(vmPath(vm, '/status/stop'), {}, ctx),
      ctx,
    );
  }
  const task = await pve.client.delete<string>(
    vmPath(vm),
    { purge: true, 'destroy-unreferenced-disks': true },
    ctx,
  );
  return { task };
}

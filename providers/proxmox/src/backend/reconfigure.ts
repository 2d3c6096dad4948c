// Reconfigure: the class's CPU/memory/firmware/hotplug via `PUT /config` (Proxmox hot-plugs what
// `hotplug` allows on a running VM and keeps the rest pending until the next restart), new data
// disks, and grown disks via `PUT /resize`.
import type { CallContext, DesiredState, Operation } from '@virtrigaud/provider-sdk';
import type { PveContext } from './context';
import { planDisks } from './disks';
import { growDisks } from './provision';
import { readConfig, requireVm, vmPath } from './resources';
import { hardwareParams } from './vm-params';

export async function reconfigureVm(
  pve: PveContext,
  ctx: CallContext,
  id: string,
  desired: DesiredState,
): Promise<Operation> {
  const vm = await requireVm(pve, 'id', id, ctx);
  const config = await readConfig(pve, vm, ctx);
  const disks = planDisks(
    'desired_json.disks',
    config,
    desired.disks,
    desired.class.diskDefaults?.sizeGiB,
    pve.defaults.storage,
  );
  const params = { ...hardwareParams('desired_json.class', desired.class), ...disks.add };
  await pve.client.put(vmPath(vm, '/config'), params, ctx);
  await growDisks(pve, ctx, vm, disks.grow);
  return {};
}

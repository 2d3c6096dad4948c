// Clone: a full copy of a VM, or a linked clone of a template (Proxmox links only to templates),
// keyed by the target owner uid like Create.
import {
  failedPrecondition,
  invalidArgument,
  notFound,
  type CallContext,
  type CloneInput,
  type Operation,
} from '@virtrigaud/provider-sdk';
import type { PveContext } from './context';
import { provision } from './provision';
import { parseVmId, qemuResources } from './resources';
import { hardwareParams } from './vm-params';

export async function cloneVm(
  pve: PveContext,
  ctx: CallContext,
  input: CloneInput,
): Promise<Operation & { targetVmId: string }> {
  if (!input.target)
    throw invalidArgument('target_vm.uid', 'is required: a clone is keyed by its owner');
  const vmid = parseVmId('source_vm_id', input.sourceVmId);
  const guests = await qemuResources(pve, ctx);
  const source = guests.find((vm) => vm.vmid === vmid);
  if (!source) throw notFound(`source_vm_id: VM ${input.sourceVmId} does not exist`);
  if (input.linked && !source.template) {
    throw failedPrecondition(
      'linked: Proxmox makes linked clones of templates only; clone this VM with linked=false',
    );
  }
  const { id } = await provision(pve, ctx, {
    nameField: 'target_name',
    name: input.targetName,
    owner: input.target,
    tags: [],
    origin: { kind: 'clone', source, linked: input.linked },
    guests,
    node: input.placement.node ?? source.node,
    storage: input.placement.storage ?? pve.defaults.storage,
    params: input.class ? hardwareParams('class_json', input.class) : {},
    disks: [],
    disksField: 'disks_json',
  });
  return { targetVmId: id };
}

// Create: clone the VMImage's Proxmox template onto the placement node, then apply the class,
// networks, cloud-init and disks; or, for a cloud image or ISO, create the VM with all of that in
// one call (new-vm.ts). See provision.ts for idempotency by owner uid.
import {
  failedPrecondition,
  invalidArgument,
  notFound,
  type CallContext,
  type CreateInput,
  type CreateResult,
} from '@virtrigaud/provider-sdk';
import type { PveContext } from './context';
import { isNewVmSource, newVmParams } from './new-vm';
import { provision, type ProvisionRequest } from './provision';
import { qemuResources, type VmResource } from './resources';
import { cloudInitParams, hardwareParams, networkParams } from './vm-params';

type ProxmoxSource = NonNullable<CreateInput['image']['source']['proxmox']>;

function findTemplate(guests: VmResource[], source: ProxmoxSource): VmResource {
  const templates = guests.filter((vm) => vm.template && (!source.node || vm.node === source.node));
  if (source.templateID !== undefined) {
    const template = templates.find((vm) => vm.vmid === source.templateID);
    if (!template)
      throw notFound(
        `image_json.source.proxmox.templateID: no template with VMID ${source.templateID}`,
      );
    return template;
  }
  const named = templates.filter((vm) => vm.name === source.templateName);
  if (named.length === 0) {
    throw notFound(
      `image_json.source.proxmox.templateName: no template named "${source.templateName}"`,
    );
  }
  if (named.length > 1) {
    throw failedPrecondition(
      `image_json.source.proxmox.templateName: "${source.templateName}" names ${named.length} templates (VMIDs ${named.map((t) => t.vmid).join(', ')}); use templateID`,
    );
  }
  return named[0];
}

export async function createVm(
  pve: PveContext,
  ctx: CallContext,
  input: CreateInput,
): Promise<CreateResult> {
  const { cicustom } = pve.defaults;
  if (cicustom && /(^|,)user=/.test(cicustom) && input.userData?.length) {
    throw invalidArgument(
      'user_data',
      'the Provider sets a cicustom user snippet, which replaces user-data',
    );
  }
  const params = {
    ...hardwareParams('class_json', input.class),
    ...networkParams('networks_json', input.networks, pve.defaults),
    ...cloudInitParams(input.userData),
    ...(cicustom ? { cicustom } : {}),
  };
  const source = input.image.source.proxmox;
  if (!source)
    throw invalidArgument('image_json.source.proxmox', 'is required by a Proxmox provider');
  const storage = input.placement.storage ?? pve.defaults.storage;
  // Checked before any Proxmox call: everything a new VM is made of, and where it goes.
  const newVm = isNewVmSource(source) ? newVmParams(input, source, storage, params) : undefined;
  const newVmNode = input.placement.node ?? input.targetHostId ?? source.node ?? pve.defaults.node;
  if (newVm && !newVmNode)
    throw invalidArgument('placement.node', 'is required (or set the Provider default node)');
  const guests = await qemuResources(pve, ctx);
  const common: Omit<ProvisionRequest, 'origin' | 'node' | 'params'> = {
    guests,
    nameField: 'name',
    name: input.name,
    owner: input.owner,
    tags: input.tags,
    storage,
    disks: input.disks,
    disksField: 'disks_json',
    bootSizeGiB: input.class.diskDefaults?.sizeGiB,
  };
  if (newVm && newVmNode) {
    return provision(pve, ctx, {
      ...common,
      origin: { kind: 'new', params: newVm },
      node: newVmNode,
      params: {},
    });
  }
  const template = findTemplate(guests, source);
  return provision(pve, ctx, {
    ...common,
    origin: { kind: 'clone', source: template, linked: false },
    node: input.placement.node ?? input.targetHostId ?? pve.defaults.node ?? template.node,
    params,
  });
}

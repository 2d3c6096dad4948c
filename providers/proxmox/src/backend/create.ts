// Create: clone the VMImage's Proxmox template onto the placement node, then apply the class,
// networks, cloud-init and disks (see provision.ts for idempotency by owner uid).
import {
  failedPrecondition,
  invalidArgument,
  notFound,
  type CallContext,
  type CreateInput,
  type CreateResult,
} from '@virtrigaud/provider-sdk';
import type { VMImageSpec } from '@virtrigaud/api';
import type { PveContext } from './context';
import { provision } from './provision';
import { qemuResources, type VmResource } from './resources';
import { cloudInitParams, hardwareParams, networkParams } from './vm-params';

function findTemplate(guests: VmResource[], image: VMImageSpec): VmResource {
  const source = image.source.proxmox;
  if (!source)
    throw invalidArgument('image_json.source.proxmox', 'is required by a Proxmox provider');
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
  const guests = await qemuResources(pve, ctx);
  const template = findTemplate(guests, input.image);
  return provision(pve, ctx, {
    guests,
    nameField: 'name',
    name: input.name,
    owner: input.owner,
    tags: input.tags,
    source: template,
    linked: false,
    node: input.placement.node ?? input.targetHostId ?? pve.defaults.node ?? template.node,
    storage: input.placement.storage ?? pve.defaults.storage,
    params,
    disks: input.disks,
    disksField: 'disks_json',
    bootSizeGiB: input.class.diskDefaults?.sizeGiB,
  });
}

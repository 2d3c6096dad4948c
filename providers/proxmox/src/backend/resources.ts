// Finding VMs. `/cluster/resources?type=vm` lists every guest of the cluster with its node in one
// call, so a VM is addressed by its cluster-wide VMID alone (VMs migrate between nodes), and any
// replica can find it.
import { invalidArgument, notFound } from '@virtrigaud/provider-sdk';
import { apiPath, type CallScope } from '../client/pve-client';
import type { PveContext } from './context';

export interface VmResource {
  vmid: number;
  node: string;
  name?: string;
  status?: string;
  template?: number;
  tags?: string;
  lock?: string;
  maxcpu?: number;
  maxmem?: number;
  type: string;
}

export interface VmConfig {
  name?: string;
  description?: string;
  lock?: string;
  tags?: string;
  [key: string]: string | number | undefined;
}

const VMID = /^[1-9]\d{2,8}$/;

export function parseVmId(field: string, id: string): number {
  if (!VMID.test(id)) throw invalidArgument(field, `"${id}" is not a Proxmox VMID (100-999999999)`);
  return Number(id);
}

/** Every QEMU guest (VMs and templates) of the cluster. */
export async function qemuResources(pve: PveContext, scope: CallScope): Promise<VmResource[]> {
  const all = await pve.client.get<VmResource[]>('/cluster/resources', { type: 'vm' }, scope);
  return all.filter((r) => r.type === 'qemu');
}

/** The VM with this id; undefined when there is none (an id that is no VMID names no VM either). */
export async function findVm(
  pve: PveContext,
  id: string,
  scope: CallScope,
): Promise<VmResource | undefined> {
  if (!VMID.test(id)) return undefined;
  return (await qemuResources(pve, scope)).find((r) => r.vmid === Number(id) && !r.template);
}

export async function requireVm(
  pve: PveContext,
  field: string,
  id: string,
  scope: CallScope,
): Promise<VmResource> {
  const vm = await findVm(pve, String(parseVmId(field, id)), scope);
  if (!vm) throw notFound(`VM ${id} does not exist`);
  return vm;
}

export function vmPath(vm: Pick<VmResource, 'node' | 'vmid'>, rest = ''): string {
  return apiPath`/nodes/${vm.node}/qemu/${vm.vmid}` + rest;
}

export function readConfig(
  pve: PveContext,
  vm: Pick<VmResource, 'node' | 'vmid'>,
  scope: CallScope,
): Promise<VmConfig> {
  return pve.client.get<VmConfig>(vmPath(vm, '/config'), {}, scope);
}

// Making a VM, keyed by its owner uid: a clone of a template (Create) or VM (Clone), or a new VM
// (Create from a cloud image or ISO):
//   1. find a VM stamped with the owner (tag, then name + description): done, or finish its setup;
//      a VM with the name and another (or no) owner is ALREADY_EXISTS;
//   2. clone or create into the next free VMID, with the owner stamped in the description by that
//      call itself, retrying with a new VMID when another client took it meanwhile; Proxmox
//      reserves the VMID with a nameless placeholder config until its worker is done, and a
//      retried Create waits for that (step 1) instead of making a second VM;
//   3. configure: hardware, NICs, cloud-init, data disks, boot disk size; finally drop the
//      `provisioning: pending` mark. A retry after a crash anywhere resumes at step 3.
import {
  alreadyExists,
  unavailable,
  type CallContext,
  type Owner,
  type VMDisk,
} from '@virtrigaud/provider-sdk';
import { setTimeout as delay } from 'node:timers/promises';
import { apiPath, type CallScope } from '../client/pve-client';
import { PveApiError } from '../client/errors';
import { waitForTask } from '../client/tasks';
import type { PveContext } from './context';
import { planDisks, storageId } from './disks';
import { hasTag, ownerDescription, ownerTag, readOwner, tagList } from './owner';
import { readConfig, vmPath, type VmConfig, type VmResource } from './resources';
import { needsCloudInit, type ConfigParams } from './vm-params';

/** Where the VM comes from. */
export type Origin =
  /** A clone of a template or VM: its disks and config copied. */
  | { kind: 'clone'; source: VmResource; linked: boolean }
  /** A new VM (`POST /nodes/{node}/qemu`) created with these config parameters. */
  | { kind: 'new'; params: ConfigParams };

export interface ProvisionRequest {
  /** Request field holding the name, for error messages (`name`, `target_name`). */
  nameField: string;
  name: string;
  owner: Owner;
  tags: string[];
  origin: Origin;
  /** `/cluster/resources` as read for this request (a clone source was found in it). */
  guests: VmResource[];
  node: string;
  storage?: string;
  /** Config parameters to apply once the VM exists (hardware, NICs, cloud-init of a clone). */
  params: ConfigParams;
  disks: VMDisk[];
  disksField: string;
  bootSizeGiB?: number;
}

const MAKE_ATTEMPTS = 5;
const LOCK_POLL_MS = 50;

export async function provision(
  pve: PveContext,
  ctx: CallContext,
  req: ProvisionRequest,
): Promise<{ id: string }> {
  const existing = await findOwned(pve, req, ctx);
  if (existing) {
    if (existing.pending) await configure(pve, ctx, existing.vm, req);
    return { id: String(existing.vm.vmid) };
  }
  const vm = await makeWithFreshId(pve, ctx, req);
  await configure(pve, ctx, vm, req);
  return { id: String(vm.vmid) };
}

async function findOwned(
  pve: PveContext,
  req: ProvisionRequest,
  scope: CallScope,
): Promise<{ vm: VmResource; pending: boolean } | undefined> {
  const vms = req.guests.filter((vm) => !vm.template);
  refuseWhileNamelessCreationsRun(vms);
  const tag = ownerTag(req.owner.uid);
  const candidates = [
    ...vms.filter((vm) => tag && hasTag(vm.tags, tag)),
    ...vms.filter((vm) => vm.name === req.name),
  ];
  for (const vm of new Set(candidates)) {
    const stamp = readOwner((await readConfig(pve, vm, scope)).description);
    if (stamp.uid === req.owner.uid) return { vm, pending: stamp.pending };
    if (vm.name === req.name) {
      const who = stamp.uid ? 'another owner' : 'nobody managed by VirtRigaud';
      throw alreadyExists(
        `${req.nameField}: a VM named "${req.name}" already exists (VMID ${vm.vmid}, owned by ${who})`,
      );
    }
  }
  return undefined;
}

/**
 * While a clone or create task copies its first disk, Proxmox holds only a placeholder config
 * (`lock: clone`) without name or description, so nobody can tell whose VM it will be. It may be
 * this owner's (a Create whose caller gave up waiting); cloning again could make a second VM, so
 * the caller is told to retry once the placeholder became a real config.
 */
function refuseWhileNamelessCreationsRun(vms: VmResource[]): void {
  const inFlight = vms.filter((vm) => !vm.name && (vm.lock === 'clone' || vm.lock === 'create'));
  if (inFlight.length) {
    throw unavailable(
      `VMID ${inFlight.map((vm) => vm.vmid).join(', ')} is still being created by Proxmox without a name yet; retry shortly`,
    );
  }
}

async function makeWithFreshId(
  pve: PveContext,
  ctx: CallContext,
  req: ProvisionRequest,
): Promise<VmResource> {
  for (let attempt = 1; ; attempt++) {
    const vmid = Number(await pve.client.get<string | number>('/cluster/nextid', {}, ctx));
    try {
      const upid = await startMaking(pve, ctx, req, vmid);
      await waitForTask(pve.client, upid, ctx);
      return { vmid, node: req.node, name: req.name, type: 'qemu' };
    } catch (err) {
      // Another client got the same "next" VMID first; ask again.
      const taken = err instanceof PveApiError && err.code === 'ALREADY_EXISTS';
      if (!taken || attempt >= MAKE_ATTEMPTS) throw err;
    }
  }
}

/** Starts the clone or create task of VM `vmid`; the call itself stamps the owner (pending). */
function startMaking(
  pve: PveContext,
  ctx: CallContext,
  req: ProvisionRequest,
  vmid: number,
): Promise<string> {
  const { origin } = req;
  const description = ownerDescription(req.owner, true);
  if (origin.kind === 'new') {
    ctx.log.info({ vmid, node: req.node }, 'creating VM');
    return pve.client.post<string>(
      apiPath`/nodes/${req.node}/qemu`,
      {
        vmid,
        name: req.name,
        description,
        tags: tagList(req.owner.uid, req.tags),
        ...origin.params,
      },
      ctx,
    );
  }
  const { source, linked } = origin;
  ctx.log.info({ vmid, source: source.vmid, node: req.node }, 'cloning VM');
  return pve.client.post<string>(
    apiPath`/nodes/${source.node}/qemu/${source.vmid}/clone`,
    {
      newid: vmid,
      name: req.name,
      description,
      full: !linked,
      storage: linked || !req.storage ? undefined : storageId('placement.storage', req.storage),
      target: req.node === source.node ? undefined : req.node,
    },
    ctx,
  );
}

/** The config once no task holds the VM's lock (a clone still copying disks, a resize). */
async function unlockedConfig(
  pve: PveContext,
  vm: VmResource,
  scope: CallScope,
): Promise<VmConfig> {
  for (;;) {
    const config = await readConfig(pve, vm, scope);
    if (!config.lock) return config;
    await delay(LOCK_POLL_MS, undefined, { signal: scope.signal });
  }
}

function cloudInitDrive(config: VmConfig, storage: string | undefined): ConfigParams {
  const drives = ['ide0', 'ide1', 'ide2', 'ide3'];
  if (drives.some((key) => String(config[key] ?? '').includes('cloudinit'))) return {};
  const free = drives.find((key) => config[key] === undefined);
  if (!free || !storage) return {};
  return { [free]: `${storageId('placement.storage', storage)}:cloudinit` };
}

async function configure(
  pve: PveContext,
  ctx: CallContext,
  vm: VmResource,
  req: ProvisionRequest,
): Promise<void> {
  const config = await unlockedConfig(pve, vm, ctx);
  const storage = req.storage ?? pve.defaults.storage;
  const disks = planDisks(req.disksField, config, req.disks, req.bootSizeGiB, storage);
  const params: ConfigParams = {
    ...req.params,
    ...(needsCloudInit(req.params) ? cloudInitDrive(config, storage) : {}),
    ...disks.add,
  };
  const done = {
    description: ownerDescription(req.owner, false),
    tags: tagList(req.owner.uid, req.tags),
  };
  // Without disk work, one update applies everything; otherwise the VM is marked done only after
  // its disks exist, so an interrupted setup is resumed rather than left without a disk.
  if (Object.keys(disks.add).length === 0 && disks.grow.size === 0) {
    await pve.client.put(vmPath(vm, '/config'), { ...params, ...done }, ctx);
    return;
  }
  if (Object.keys(params).length) await pve.client.put(vmPath(vm, '/config'), params, ctx);
  await growDisks(pve, ctx, vm, disks.grow);
  await pve.client.put(vmPath(vm, '/config'), done, ctx);
}

export async function growDisks(
  pve: PveContext,
  ctx: CallContext,
  vm: Pick<VmResource, 'node' | 'vmid'>,
  grow: Map<string, number>,
): Promise<void> {
  for (const [disk, sizeGiB] of grow) {
    const upid = await pve.client.put<string | null>(
      vmPath(vm, '/resize'),
      { disk, size: `${sizeGiB}G` },
      ctx,
    );
    // Proxmox 8+ resizes in a task; older versions answer null after resizing.
    if (upid) await waitForTask(pve.client, upid, ctx);
  }
}

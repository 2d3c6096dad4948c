// Snapshots. The snapshot id is derived from the name hint (Proxmox snapshot names are
// [A-Za-z][A-Za-z0-9_-]*, at most 40 characters), so a retried SnapshotCreate finds the snapshot
// it already made. Memory is included only when asked and the VM runs (`vmstate`).
import {
  notFound,
  type CallContext,
  type Operation,
  type SnapshotInput,
} from '@virtrigaud/provider-sdk';
import { apiPath, type CallScope } from '../client/pve-client';
import type { PveContext } from './context';
import { currentStatus } from './power';
import { requireVm, vmPath } from './resources';

const MAX_SNAPSHOT_NAME = 40;

export function snapshotName(hint: string): string {
  const cleaned = hint
    .replace(/[^A-Za-z0-9_-]+/g, '-')
    .replace(/^[^A-Za-z]+/, '')
    .replace(/-+$/, '');
  return (cleaned ? cleaned : `snapshot-${Date.now().toString(36)}`).slice(0, MAX_SNAPSHOT_NAME);
}

async function snapshotNames(
  pve: PveContext,
  vm: { node: string; vmid: number },
  scope: CallScope,
): Promise<string[]> {
  const list = await pve.client.get<{ name: string }[]>(vmPath(vm, '/snapshot'), {}, scope);
  return list.map((s) => s.name).filter((name) => name !== 'current');
}

export async function createSnapshot(
  pve: PveContext,
  ctx: CallContext,
  input: SnapshotInput,
): Promise<Operation & { snapshotId: string }> {
  const vm = await requireVm(pve, 'vm_id', input.vmId, ctx);
  const snapshotId = snapshotName(input.nameHint);
  if ((await snapshotNames(pve, vm, ctx)).includes(snapshotId)) return { snapshotId };
  const running = (await currentStatus(pve, vm, ctx)).status === 'running';
  const task = await pve.client.post<string>(
    vmPath(vm, '/snapshot'),
    {
      snapname: snapshotId,
      description: input.description || undefined,
      vmstate: input.includeMemory && running ? true : undefined,
    },
    ctx,
  );
  return { snapshotId, task };
}

export async function deleteSnapshot(
  pve: PveContext,
  ctx: CallContext,
  vmId: string,
  snapshotId: string,
): Promise<Operation> {
  const vm = await requireVm(pve, 'vm_id', vmId, ctx);
  if (!(await snapshotNames(pve, vm, ctx)).includes(snapshotId)) return {};
  const task = await pve.client.delete<string>(
    vmPath(vm, apiPath`/snapshot/${snapshotId}`),
    {},
    ctx,
  );
  return { task };
}

export async function revertSnapshot(
  pve: PveContext,
  ctx: CallContext,
  vmId: string,
  snapshotId: string,
): Promise<Operation> {
  const vm = await requireVm(pve, 'vm_id', vmId, ctx);
  if (!(await snapshotNames(pve, vm, ctx)).includes(snapshotId)) {
    throw notFound(`snapshot_id: VM ${vmId} has no snapshot "${snapshotId}"`);
  }
  const task = await pve.client.post<string>(
    vmPath(vm, apiPath`/snapshot/${snapshotId}/rollback`),
    {},
    ctx,
  );
  return { task };
}

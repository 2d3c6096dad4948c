// Snapshots are identified by name (the id is known before the task finishes, and a retried
// create finds the snapshot it already made).
import {
  notFound,
  type CallContext,
  type Operation,
  type SnapshotInput,
} from '@virtrigaud/provider-sdk';
import type { MoRef } from '../vim25/moref';
import { child, childText, children, moref, type XmlNode } from '../vim25/xml';
import type { VSphereContext } from './context';

export interface SnapshotNode {
  name: string;
  ref: MoRef;
}

function flatten(nodes: XmlNode[]): SnapshotNode[] {
  return nodes.flatMap((node) => [
    { name: childText(node, 'name') ?? '', ref: moref(child(node, 'snapshot'))! },
    ...flatten(children(node, 'childSnapshotList')),
  ]);
}

export async function vmSnapshots(vs: VSphereContext, ctx: CallContext, vmId: string) {
  const vm = await vs.vms.read(vmId, ['snapshot'], ctx.signal);
  if (!vm) throw notFound(`VM ${vmId} not found`);
  const info = vm.props.get('snapshot');
  return {
    vm: vm.obj,
    snapshots: flatten(children(info, 'rootSnapshotList')),
    current: moref(child(info, 'currentSnapshot')),
  };
}

export async function snapshotCreate(
  vs: VSphereContext,
  ctx: CallContext,
  input: SnapshotInput,
): Promise<Operation & { snapshotId: string }> {
  const { vm, snapshots } = await vmSnapshots(vs, ctx, input.vmId);
  const name = input.nameHint;
  if (snapshots.some((s) => s.name === name)) return { snapshotId: name };
  const task = moref(
    await vs.client.invoke(
      'CreateSnapshot_Task',
      vm,
      { name, description: input.description, memory: input.includeMemory, quiesce: false },
      ctx.signal,
    ),
  )!;
  return { snapshotId: name, task: task.value };
}

export async function snapshotDelete(
  vs: VSphereContext,
  ctx: CallContext,
  vmId: string,
  snapshotId: string,
): Promise<Operation> {
  const { snapshots } = await vmSnapshots(vs, ctx, vmId);
  const snapshot = snapshots.find((s) => s.name === snapshotId);
  if (!snapshot) return {};
  const task = moref(
    await vs.client.invoke(
      'RemoveSnapshot_Task',
      snapshot.ref,
      { removeChildren: false, consolidate: true },
      ctx.signal,
    ),
  )!;
  return { task: task.value };
}

export async function snapshotRevert(
  vs: VSphereContext,
  ctx: CallContext,
  vmId: string,
  snapshotId: string,
): Promise<Operation> {
  const { snapshots } = await vmSnapshots(vs, ctx, vmId);
  const snapshot = snapshots.find((s) => s.name === snapshotId);
  if (!snapshot) throw notFound(`snapshot "${snapshotId}" of VM ${vmId} not found`);
  const task = moref(
    await vs.client.invoke('RevertToSnapshot_Task', snapshot.ref, {}, ctx.signal),
  )!;
  return { task: task.value };
}

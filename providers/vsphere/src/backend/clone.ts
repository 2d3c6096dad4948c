// Clone an existing VM: a full copy, or a linked clone sharing the disks of a source snapshot
// (customize.snapshotId, else the source's current snapshot). Idempotent by target owner.
import { randomUUID } from 'node:crypto';
import {
  failedPrecondition,
  notFound,
  type CallContext,
  type CloneInput,
  type Operation,
} from '@virtrigaud/provider-sdk';
import { moref, type SoapValue } from '../vim25/xml';
import type { VSphereContext } from './context';
import { ownerOptions } from './extra-config';
import { hardwareFields } from './hardware';
import { vmSnapshots } from './snapshots';
import { instanceUuidFor } from './vm-locator';

export async function cloneVm(
  vs: VSphereContext,
  ctx: CallContext,
  input: CloneInput,
): Promise<Operation & { targetVmId: string }> {
  const targetVmId = input.target ? instanceUuidFor(input.target.uid) : randomUUID();
  if (input.target && (await vs.vms.find(targetVmId, ctx.signal))) return { targetVmId };
  const source = await vmSnapshots(vs, ctx, input.sourceVmId);
  const placement = await vs.placement.resolve(input.placement, 'placement_json', ctx.signal);

  let snapshot;
  if (input.linked) {
    const wanted = input.customize.snapshotId;
    snapshot =
      typeof wanted === 'string'
        ? source.snapshots.find((s) => s.name === wanted)?.ref
        : source.current;
    if (!snapshot) {
      if (typeof wanted === 'string')
        throw notFound(`customize_json.snapshotId: snapshot "${wanted}" not found`);
      throw failedPrecondition(
        `a linked clone needs a snapshot of VM ${input.sourceVmId}; it has none`,
      );
    }
  }
  const config: Record<string, SoapValue> = {
    instanceUuid: targetVmId,
    ...(input.class ? hardwareFields(input.class, 'class_json') : {}),
    extraConfig: input.target ? ownerOptions(input.target) : undefined,
  };
  const spec = {
    location: {
      folder: placement.folder,
      datastore: placement.datastore.ref,
      diskMoveType: input.linked ? 'createNewChildDiskBacking' : undefined,
      pool: placement.pool,
      host: placement.host,
    },
    template: false,
    config,
    powerOn: false,
    snapshot,
  };
  const task = moref(
    await vs.client.invoke(
      'CloneVM_Task',
      source.vm,
      { folder: placement.folder, name: input.targetName, spec },
      ctx.signal,
    ),
  )!;
  vs.creations.started(task, targetVmId);
  return { targetVmId, task: task.value };
}

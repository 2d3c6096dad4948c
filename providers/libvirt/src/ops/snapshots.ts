// Internal qcow2 snapshots. The snapshot id is its name, derived from the hint, so a retried
// SnapshotCreate finds the one it made. A running VM's internal snapshot always includes memory
// (QEMU's savevm), so a disk-only snapshot of a running VM is refused with the fix named.
import {
  failedPrecondition,
  notFound,
  ProviderError,
  type CallContext,
  type Operation,
  type SnapshotInput,
} from '@virtrigaud/provider-sdk';
import type { LibvirtContext } from '../context';
import { isActive } from '../domain/power-state';
import { snapshotName } from '../names';
import { requireVm, findVm } from './find-vm';

async function exists(lv: LibvirtContext, id: string, name: string, signal?: AbortSignal) {
  return (
    (await lv.virsh.lookup(['snapshot-info', '--domain', id, '--snapshotname', name], {
      signal,
    })) !== undefined
  );
}

export async function snapshotCreate(
  lv: LibvirtContext,
  ctx: CallContext,
  input: SnapshotInput,
): Promise<Operation & { snapshotId: string }> {
  await requireVm(lv, input.vmId, ctx.signal);
  const name = snapshotName(input.nameHint);
  if (await exists(lv, input.vmId, name, ctx.signal)) return { snapshotId: name };
  const running = isActive(await lv.domains.state(input.vmId, ctx.signal));
  if (running && !input.includeMemory)
    throw failedPrecondition(
      'a disk-only snapshot needs the VM powered off; power it off or include memory',
    );
  await lv.virsh.run(
    [
      'snapshot-create-as',
      '--domain',
      input.vmId,
      '--name',
      name,
      // virsh refuses an empty option argument.
      ...(input.description ? ['--description', input.description] : []),
      '--atomic',
    ],
    { signal: ctx.signal },
  );
  return { snapshotId: name };
}

export async function snapshotDelete(
  lv: LibvirtContext,
  ctx: CallContext,
  vmId: string,
  snapshotId: string,
): Promise<Operation> {
  if (!(await findVm(lv, vmId, ctx.signal))) return {};
  try {
    await lv.virsh.run(['snapshot-delete', '--domain', vmId, '--snapshotname', snapshotId], {
      signal: ctx.signal,
    });
  } catch (err) {
    if (!(err instanceof ProviderError && err.code === 'NOT_FOUND')) throw err;
  }
  return {};
}

export async function snapshotRevert(
  lv: LibvirtContext,
  ctx: CallContext,
  vmId: string,
  snapshotId: string,
): Promise<Operation> {
  await requireVm(lv, vmId, ctx.signal);
  if (!(await exists(lv, vmId, snapshotId, ctx.signal)))
    throw notFound(`VM ${vmId} has no snapshot ${snapshotId}`);
  await lv.virsh.run(['snapshot-revert', '--domain', vmId, '--snapshotname', snapshotId], {
    signal: ctx.signal,
  });
  return {};
}

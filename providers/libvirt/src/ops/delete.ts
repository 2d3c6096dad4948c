// Delete: power off, undefine with snapshot metadata, managed save and NVRAM, then remove every
// volume the VM owns (recorded in its metadata, plus anything named after its UUID). A VM that is
// already gone succeeds, and still gets its leftover volumes swept.
import type { CallContext, Operation, Owner } from '@virtrigaud/provider-sdk';
import type { LibvirtContext } from '../context';
import { isActive } from '../domain/power-state';
import { isVmId } from '../names';
import { findVm } from './find-vm';
import { hardOff } from './power';
import { checkOwner } from './owner';
import { removeVolumes, sweepVolumes } from './volume-cleanup';

export async function deleteVm(
  lv: LibvirtContext,
  ctx: CallContext,
  id: string,
  owner?: Owner,
): Promise<Operation> {
  if (!isVmId(id)) return {};
  const domain = await findVm(lv, id, ctx.signal);
  if (domain) {
    checkOwner(domain, owner);
    if (isActive(await lv.domains.state(id, ctx.signal))) await hardOff(lv, id, ctx.signal);
    await lv.virsh.run(
      [
        'undefine',
        '--domain',
        id,
        '--snapshots-metadata',
        '--managed-save',
        '--checkpoints-metadata',
        '--nvram',
      ],
      { signal: ctx.signal },
    );
    await removeVolumes(lv, domain.metadata!.volumes, ctx.signal);
  }
  await sweepVolumes(lv, id, ctx.signal);
  return {};
}

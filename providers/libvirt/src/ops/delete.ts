// Delete: power off, undefine with snapshot metadata, managed save and NVRAM, then remove the VM's
// storage (its volumes, leftovers named after it, and bases of linked clones nobody uses any more;
// see volume-cleanup.ts). A VM that is already gone succeeds, and still gets its leftovers swept.
import type { CallContext, Operation, Owner } from '@virtrigaud/provider-sdk';
import type { LibvirtContext } from '../context';
import { isVmId } from '../names';
import { findVm } from './find-vm';
import { hardOff } from './power';
import { checkOwner } from './owner';
import { removeVmStorage } from './volume-cleanup';

export async function deleteVm(
  lv: LibvirtContext,
  ctx: CallContext,
  id: string,
  owner?: Owner,
): Promise<Operation> {
  if (!isVmId(id)) return {};
  // The live XML: whether it runs, and (when it does) what its disks are layered on.
  const domain = await findVm(lv, id, ctx.signal, false);
  if (domain) {
    checkOwner(domain, owner);
    if (domain.active) await hardOff(lv, id, ctx.signal);
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
    lv.managedIds.forget(id);
  }
  await removeVmStorage(lv, id, domain, ctx.signal);
  return {};
}

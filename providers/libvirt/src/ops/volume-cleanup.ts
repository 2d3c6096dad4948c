// Removal of a VM's volumes: those recorded in its metadata, plus any volume named after its UUID
// in any active pool (left behind by a Create that was interrupted before the domain was defined).
import type { ManagedVolume } from '../domain/domain-spec';
import type { LibvirtContext } from '../context';
import { volumePrefix } from '../names';

export async function removeVolumes(
  lv: LibvirtContext,
  volumes: ManagedVolume[],
  signal?: AbortSignal,
) {
  for (const volume of volumes) await lv.volumes.delete(volume.pool, volume.name, signal);
}

export async function sweepVolumes(lv: LibvirtContext, uuid: string, signal?: AbortSignal) {
  const prefix = volumePrefix(uuid);
  for (const pool of await lv.volumes.pools(signal)) {
    const names = await lv.volumes.names(pool, signal);
    for (const name of names.filter((n) => n.startsWith(prefix)))
      await lv.volumes.delete(pool, name, signal);
  }
}

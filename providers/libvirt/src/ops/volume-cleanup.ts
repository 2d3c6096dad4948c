// Removal of a VM's storage. Its own volumes (in its metadata) are the top layers of their chains:
// the provider only layers a volume on another after taking that one out of its VM's metadata
// (a linked clone freezes it as a base), so they are deleted directly. Anything else named after the
// VM (leftovers of an interrupted Create, bases frozen for linked clones) and the files the deleted
// volumes were layered on are deleted only when no volume of their pool is layered on them any
// more, read from the pool's backing chains (`vol-dumpxml`), never from separate bookkeeping. Only
// provider volumes (`vr-<uuid>-...`) are ever removed this way: images are not the VM's.
import { basename } from 'node:path';
import type { ManagedVolume } from '../domain/domain-spec';
import type { ParsedDomain } from '../domain/parse-domain-xml';
import type { LibvirtContext } from '../context';
import { volumePrefix, volumeVmUuid } from '../names';

/** Volumes of a build that failed before its domain was defined: nothing is layered on them yet. */
export async function removeVolumes(
  lv: LibvirtContext,
  volumes: ManagedVolume[],
  signal?: AbortSignal,
) {
  for (const volume of volumes) await lv.volumes.delete(volume.pool, volume.name, signal);
}

interface Layer {
  pool: string;
  path: string;
}

/** Everything of VM `uuid` after its domain was undefined (`domain` is its last XML, if any). */
export async function removeVmStorage(
  lv: LibvirtContext,
  uuid: string,
  domain: ParsedDomain | undefined,
  signal?: AbortSignal,
): Promise<void> {
  await lv.chainLock.run(async () => {
    const released: Layer[] = [];
    for (const volume of domain?.metadata?.volumes ?? []) {
      const backing = await backingOf(lv, domain!, volume, signal);
      await lv.volumes.delete(volume.pool, volume.name, signal);
      if (backing) released.push({ pool: volume.pool, path: backing });
    }
    await sweepLeftovers(lv, uuid, released, signal);
    await removeUnusedBases(lv, released, signal);
  });
}

/** What the volume is layered on: from the running domain's XML, else from the volume itself. */
async function backingOf(
  lv: LibvirtContext,
  domain: ParsedDomain,
  volume: ManagedVolume,
  signal?: AbortSignal,
): Promise<string | undefined> {
  const disk = domain.disks.find((d) => d.pool === volume.pool && d.volume === volume.name);
  if (domain.active && disk) return disk.backingPath;
  return (await lv.volumes.info(volume.pool, volume.name, signal))?.backingPath;
}

/** Volumes named after the VM in any pool, unless something is still layered on them. */
async function sweepLeftovers(
  lv: LibvirtContext,
  uuid: string,
  released: Layer[],
  signal?: AbortSignal,
) {
  const prefix = volumePrefix(uuid);
  for (const pool of await lv.volumes.pools(signal)) {
    const leftovers = (await lv.volumes.names(pool, signal)).filter((n) => n.startsWith(prefix));
    if (leftovers.length === 0) continue;
    const inUse = await lv.volumes.backingPaths(pool, signal);
    for (const name of leftovers) {
      const info = await lv.volumes.info(pool, name, signal);
      if (!info || inUse.has(info.path)) continue;
      await lv.volumes.delete(pool, name, signal);
      if (info.backingPath) released.push({ pool, path: info.backingPath });
    }
  }
}

/**
 * Walks down from the released layers: a provider volume that no volume is layered on any more and
 * that is no VM's disk is a base whose last user is gone; deleting it releases its own base.
 * Overlays are always made in their base's pool, so that pool's chains are the ones to read.
 */
async function removeUnusedBases(lv: LibvirtContext, released: Layer[], signal?: AbortSignal) {
  while (released.length > 0) {
    const { pool, path } = released.shift()!;
    const name = basename(path);
    const owner = volumeVmUuid(name);
    if (!owner) continue;
    const info = await lv.volumes.info(pool, name, signal);
    if (!info || info.path !== path) continue;
    if ((await lv.volumes.backingPaths(pool, signal)).has(path)) continue;
    const ownerDomain = await lv.domains.find(owner, { inactive: true, signal });
    if (ownerDomain?.metadata?.volumes.some((v) => v.pool === pool && v.name === name)) continue;
    await lv.volumes.delete(pool, name, signal);
    if (info.backingPath) released.push({ pool, path: info.backingPath });
  }
}

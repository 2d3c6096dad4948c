// The disks of a linked clone. The (powered-off) source's current volumes are frozen as read-only
// bases: the source gets a new qcow2 overlay on each (the next generation, `.g<n>`), written into
// its own domain XML and metadata in one `define`, and only then the clone's overlays are layered
// on the same bases. Source and clone then write to their own overlays and share the frozen data.
// The bases belong to no VM's metadata; Delete removes them once no volume is layered on them.
//
// Interrupted half-way, a retry is consistent: an overlay made before the crash is kept (names
// follow from the UUIDs), and a source already moved to its overlay is simply frozen once more.
import { failedPrecondition } from '@virtrigaud/provider-sdk';
import type { LibvirtContext } from '../context';
import type { DiskSpec, ManagedVolume } from '../domain/domain-spec';
import { parseDomainXml } from '../domain/parse-domain-xml';
import { isActive } from '../domain/power-state';
import { rewriteDomainXml, type DiskMove } from '../domain/rewrite-domain-xml';
import { dataVolumeName, rootVolumeName } from '../names';

/** The volume name of `volume`'s role in VM `uuid`, at `generation`. */
function volumeName(uuid: string, volume: ManagedVolume, generation = 0): string {
  return volume.role === 'root'
    ? rootVolumeName(uuid, generation)
    : dataVolumeName(uuid, volume.disk ?? volume.name, 'qcow2', generation);
}

/** Refused up front: internal snapshots live in the volume that is frozen, out of the VM's reach. */
export async function checkLinkable(lv: LibvirtContext, sourceId: string, signal?: AbortSignal) {
  const snapshots = await lv.virsh.run(['snapshot-list', '--domain', sourceId, '--name'], {
    signal,
  });
  if (snapshots.trim())
    throw failedPrecondition(
      'the source VM has snapshots; a linked clone would freeze them out of its reach. Delete them or clone with linked=false',
    );
}

/**
 * Freezes the source's disks and layers the clone's on them; `created` receives the clone's volumes
 * as they are made (for cleanup when the clone cannot be defined).
 */
export function linkedCloneDisks(
  lv: LibvirtContext,
  sourceId: string,
  targetUuid: string,
  created: ManagedVolume[],
): Promise<DiskSpec[]> {
  return lv.chainLock.run(async () => {
    const xml = await lv.domains.xml(sourceId, { inactive: true });
    const source = xml === undefined ? undefined : parseDomainXml(xml);
    if (!source?.metadata) throw failedPrecondition('the source VM is gone');
    if (isActive(await lv.domains.state(sourceId)))
      throw failedPrecondition('the source VM is running; power it off to clone it');
    const pools = new Map<string, Set<string>>();
    const poolNames = async (pool: string) => {
      if (!pools.has(pool)) pools.set(pool, new Set(await lv.volumes.names(pool)));
      return pools.get(pool)!;
    };

    const volumes = [...source.metadata.volumes];
    const moves: DiskMove[] = [];
    const bases: {
      volume: ManagedVolume;
      path: string;
      format: 'qcow2' | 'raw';
      target: string;
    }[] = [];
    for (const [index, volume] of volumes.entries()) {
      if (volume.role === 'seed') continue;
      const base = await lv.volumes.info(volume.pool, volume.name);
      if (!base) throw failedPrecondition(`the source's volume ${volume.name} is missing`);
      const disk = source.disks.find(
        (d) => (d.pool === volume.pool && d.volume === volume.name) || d.path === base.path,
      );
      const names = await poolNames(volume.pool);
      let generation = 1;
      while (names.has(volumeName(source.uuid, volume, generation))) generation++;
      const successor = volumeName(source.uuid, volume, generation);
      const format = base.format === 'raw' ? 'raw' : 'qcow2';
      await lv.volumes.ensureOverlay(volume.pool, successor, { path: base.path, format });
      names.add(successor);
      moves.push({
        from: { pool: volume.pool, volume: volume.name, path: base.path },
        to: { volume: successor },
      });
      volumes[index] = { ...volume, name: successor };
      bases.push({ volume, path: base.path, format, target: disk?.target ?? 'vda' });
    }
    await lv.domains.define(rewriteDomainXml(xml!, moves, { ...source.metadata, volumes }));

    const disks: DiskSpec[] = [];
    for (const { volume, path, format, target } of bases) {
      const name = volumeName(targetUuid, volume);
      created.push({ ...volume, name });
      await lv.volumes.ensureOverlay(volume.pool, name, { path, format });
      disks.push({
        device: 'disk',
        pool: volume.pool,
        volume: name,
        format: 'qcow2',
        target,
        bus: 'virtio',
      });
    }
    return disks;
  });
}

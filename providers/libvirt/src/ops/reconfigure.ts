// Reconfigure: the class's vCPUs and memory always go into the next-boot configuration; on a
// running domain they are also applied live when they fit under the ceilings it booted with
// (cpuHotAdd/memoryHotAdd), otherwise they take effect at the next boot and Describe reports
// `pendingRestart`. Data disks grow (live with blockresize) and new ones are created and attached;
// a disk is never shrunk, and a disk missing from the desired list is left alone (no data loss).
import {
  invalidArgument,
  type CallContext,
  type DesiredState,
  type Operation,
  type VMDisk,
} from '@virtrigaud/provider-sdk';
import { buildMetadataXml } from '../domain/build-domain-xml';
import { METADATA_NAMESPACE, METADATA_PREFIX, type ManagedVolume } from '../domain/domain-spec';
import type { ParsedDomain } from '../domain/parse-domain-xml';
import { isActive } from '../domain/power-state';
import type { LibvirtContext } from '../context';
import { gibToBytes, hardware, rootDiskBytes, type Hardware } from '../hardware';
import { dataDisk, diskFormat, diskTarget } from './create';
import { requireVm } from './find-vm';

export async function reconfigure(
  lv: LibvirtContext,
  ctx: CallContext,
  id: string,
  desired: DesiredState,
): Promise<Operation> {
  const config = await requireVm(lv, id, ctx.signal);
  const hw = hardware(desired.class);
  const active = isActive(await lv.domains.state(id, ctx.signal));
  const live = active ? await lv.domains.find(id, { signal: ctx.signal }) : undefined;
  const virsh = (args: string[]) => lv.virsh.run(args, { signal: ctx.signal });
  await applySized(VCPUS, virsh, id, config, live, hw, lv);
  await applySized(MEMORY, virsh, id, config, live, hw, lv);
  await applyDisks(lv, ctx, id, config, active, desired);
  return {};
}

type Run = (args: string[]) => Promise<string>;

/** vCPUs or memory: where Hardware/ParsedDomain keep it, and the virsh arguments that set it. */
interface Sized {
  /** For the log line. */
  what: string;
  of(hw: Hardware): { value: number; ceiling: number };
  setValue(id: string, amount: number, scope: '--config' | '--live'): string[];
  /** The next-boot maximum the value may grow to live. */
  setCeiling(id: string, amount: number): string[];
}

const VCPUS: Sized = {
  what: 'vCPU',
  of: (hw) => ({ value: hw.cpu, ceiling: hw.maxCpu }),
  setValue: (id, count, scope) => ['setvcpus', '--domain', id, '--count', String(count), scope],
  setCeiling: (id, count) => [
    'setvcpus',
    '--domain',
    id,
    '--count',
    String(count),
    '--config',
    '--maximum',
  ],
};

const MEMORY: Sized = {
  what: 'memory',
  of: (hw) => ({ value: hw.memoryMiB, ceiling: hw.maxMemoryMiB }),
  setValue: (id, mib, scope) => ['setmem', '--domain', id, '--size', `${mib}MiB`, scope],
  setCeiling: (id, mib) => ['setmaxmem', '--domain', id, '--size', `${mib}MiB`, '--config'],
};

/**
 * The next-boot configuration first: a higher ceiling before the value and a lower one after it,
 * so the value never stands above its ceiling. Then the running domain, when the value fits under
 * the ceiling it booted with; a refusal (no hot-add in the guest) leaves it for the next boot.
 */
async function applySized(
  sized: Sized,
  run: Run,
  id: string,
  config: ParsedDomain,
  live: ParsedDomain | undefined,
  hw: Hardware,
  lv: LibvirtContext,
) {
  const wanted = sized.of(hw);
  const current = sized.of(config);
  if (wanted.ceiling > current.ceiling) await run(sized.setCeiling(id, wanted.ceiling));
  if (wanted.value !== current.value) await run(sized.setValue(id, wanted.value, '--config'));
  if (wanted.ceiling < current.ceiling) await run(sized.setCeiling(id, wanted.ceiling));
  const running = live && sized.of(live);
  if (running && running.value !== wanted.value && wanted.value <= running.ceiling)
    await run(sized.setValue(id, wanted.value, '--live')).catch((err: unknown) =>
      lv.log.info({ err, domain: id }, `live ${sized.what} change refused; applies at next boot`),
    );
}

async function applyDisks(
  lv: LibvirtContext,
  ctx: CallContext,
  id: string,
  config: ParsedDomain,
  active: boolean,
  desired: DesiredState,
) {
  const metadata = config.metadata!;
  const volumes = [...metadata.volumes];
  const root = volumes.find((v) => v.role === 'root');
  const rootBytes = rootDiskBytes(desired.class);
  if (root && rootBytes)
    await grow(lv, ctx, id, config, root, rootBytes, active, 'class_json.diskDefaults.sizeGiB');
  let added = false;
  for (const [index, disk] of desired.disks.entries()) {
    const field = `desired_json.disks[${index}].sizeGiB`;
    const existing = volumes.find((v) => v.role === 'data' && v.disk === disk.name);
    if (existing)
      await grow(lv, ctx, id, config, existing, gibToBytes(disk.sizeGiB), active, field);
    else {
      volumes.push(await attachNewDisk(lv, ctx, id, config, disk, active));
      added = true;
    }
  }
  if (added) await setMetadata(lv, ctx, id, { ...metadata, volumes }, active);
}

async function grow(
  lv: LibvirtContext,
  ctx: CallContext,
  id: string,
  config: ParsedDomain,
  volume: ManagedVolume,
  bytes: number,
  active: boolean,
  field: string,
) {
  const info = await lv.volumes.info(volume.pool, volume.name, ctx.signal);
  if (!info || info.capacityBytes === bytes) return;
  if (bytes < info.capacityBytes) throw invalidArgument(field, 'disks can grow, never shrink');
  const target = config.disks.find((d) => d.volume === volume.name)?.target;
  if (active && target)
    await lv.virsh.run(['blockresize', '--domain', id, '--path', target, '--size', `${bytes}B`], {
      signal: ctx.signal,
    });
  else await lv.volumes.resize(volume.pool, volume.name, bytes, ctx.signal);
}

async function attachNewDisk(
  lv: LibvirtContext,
  ctx: CallContext,
  id: string,
  config: ParsedDomain,
  disk: VMDisk,
  active: boolean,
): Promise<ManagedVolume> {
  const root = config.metadata!.volumes.find((v) => v.role === 'root');
  const volume = await dataDisk(
    lv,
    { uuid: config.uuid, pool: root?.pool ?? lv.settings.storagePool },
    disk,
  );
  const used = new Set(config.disks.map((d) => d.target));
  let index = 1;
  while (used.has(diskTarget(index))) index++;
  await lv.virsh.run(
    [
      'attach-disk',
      '--domain',
      id,
      '--source',
      volume.path,
      '--target',
      diskTarget(index),
      '--driver',
      'qemu',
      '--subdriver',
      diskFormat(disk),
      '--targetbus',
      'virtio',
      '--config',
      ...(active ? ['--live'] : []),
    ],
    { signal: ctx.signal },
  );
  return { pool: volume.pool, name: volume.name, role: 'data', disk: disk.name };
}

export async function setMetadata(
  lv: LibvirtContext,
  ctx: CallContext,
  id: string,
  metadata: NonNullable<ParsedDomain['metadata']>,
  active: boolean,
) {
  await lv.virsh.run(
    [
      'metadata',
      '--domain',
      id,
      '--uri',
      METADATA_NAMESPACE,
      '--key',
      METADATA_PREFIX,
      '--set',
      buildMetadataXml(metadata),
      '--config',
      ...(active ? ['--live'] : []),
    ],
    { signal: ctx.signal },
  );
}

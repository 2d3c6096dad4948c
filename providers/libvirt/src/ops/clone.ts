// Clone: a new domain with the source's hardware (or the given class), new MACs and no seed ISO,
// on either a full copy of the source's root and data volumes (`vol-clone`, which flattens the
// qcow2 chain) or, linked, on qcow2 overlays sharing the source's frozen disks (linked-clone.ts).
// The source must be powered off so the copy is consistent. Idempotent by the target owner uid
// like Create.
import {
  failedPrecondition,
  type CallContext,
  type CloneInput,
  type Operation,
  type Owner,
} from '@virtrigaud/provider-sdk';
import type { LibvirtContext } from '../context';
import { buildDomainXml } from '../domain/build-domain-xml';
import type { DiskSpec, InterfaceSpec, ManagedVolume } from '../domain/domain-spec';
import type { ParsedDomain } from '../domain/parse-domain-xml';
import { isActive } from '../domain/power-state';
import { hardware } from '../hardware';
import { checkDomainName, dataVolumeName, derivedUuid, rootVolumeName } from '../names';
import { derivedMac } from '../networks';
import { encodeTask } from '../tasks';
import { requireVm } from './find-vm';
import { ownerVmExists } from './owner';
import { checkLinkable, linkedCloneDisks } from './linked-clone';
import { removeVolumes } from './volume-cleanup';

const CLONE_GRACE_MS = 60 * 60_000;

export async function cloneVm(
  lv: LibvirtContext,
  ctx: CallContext,
  input: CloneInput,
): Promise<Operation & { targetVmId: string }> {
  const name = checkDomainName(input.targetName, 'target_name');
  const source = await requireVm(lv, input.sourceVmId, ctx.signal);
  const owner: Owner = input.target?.uid
    ? input.target
    : { uid: `clone:${source.uuid}:${name}`, namespace: source.metadata!.owner.namespace, name };
  const uuid = derivedUuid(owner.uid);
  if (await ownerVmExists(lv, uuid, name, owner.uid, ctx.signal)) return { targetVmId: uuid };
  if (isActive(await lv.domains.state(source.uuid, ctx.signal)))
    throw failedPrecondition('the source VM is running; power it off to clone it consistently');
  if (input.linked) await checkLinkable(lv, source.uuid, ctx.signal);
  void lv.inflight.start(
    `clone:${uuid}`,
    () => copy(lv, source, { name, uuid, owner, input }),
    (err) => lv.log.warn({ err, domain: name, correlationId: ctx.correlationId }, 'clone failed'),
  );
  return {
    targetVmId: uuid,
    task: encodeTask({
      op: 'clone',
      id: uuid,
      expect: 'defined',
      giveUpAt: Date.now() + CLONE_GRACE_MS,
    }),
  };
}

interface Target {
  name: string;
  uuid: string;
  owner: Owner;
  input: CloneInput;
}

async function copy(lv: LibvirtContext, source: ParsedDomain, target: Target): Promise<void> {
  const created: ManagedVolume[] = [];
  try {
    const disks = target.input.linked
      ? await linkedCloneDisks(lv, source.uuid, target.uuid, created)
      : await fullCopyDisks(lv, source, target.uuid, created);
    const hw = target.input.class
      ? hardware(target.input.class)
      : {
          cpu: source.cpu,
          maxCpu: source.maxCpu,
          memoryMiB: source.memoryMiB,
          maxMemoryMiB: source.maxMemoryMiB,
        };
    const interfaces: InterfaceSpec[] = source.interfaces.map((nic, index) => ({
      type: nic.type as InterfaceSpec['type'],
      source: nic.source,
      mac: derivedMac(target.uuid, index),
      model: nic.model ?? 'virtio',
    }));
    await lv.domains.define(
      buildDomainXml({
        name: target.name,
        uuid: target.uuid,
        domainType: await lv.domainType(),
        ...hw,
        firmware: target.input.class?.firmware ?? source.firmware,
        secureBoot: target.input.class?.secureBoot ?? false,
        disks,
        interfaces,
        console: lv.settings.console,
        description: `VirtRigaud VM ${target.owner.namespace}/${target.owner.name} (clone of ${source.name})`,
        metadata: {
          owner: target.owner,
          tags: source.metadata!.tags,
          volumes: created,
          image: source.metadata!.image,
        },
      }),
    );
    lv.managedIds.remember(target.uuid);
  } catch (err) {
    if (!(await lv.domains.find(target.uuid, { inactive: true }).catch(() => undefined)))
      await removeVolumes(lv, created).catch(() => undefined);
    throw err;
  }
}

/** Full copies of the source's root and data volumes (an interrupted copy's finished ones kept). */
async function fullCopyDisks(
  lv: LibvirtContext,
  source: ParsedDomain,
  targetUuid: string,
  created: ManagedVolume[],
): Promise<DiskSpec[]> {
  const disks: DiskSpec[] = [];
  for (const volume of source.metadata!.volumes.filter((v) => v.role !== 'seed')) {
    const name =
      volume.role === 'root'
        ? rootVolumeName(targetUuid)
        : dataVolumeName(targetUuid, volume.disk ?? volume.name, 'qcow2');
    const info =
      (await lv.volumes.info(volume.pool, name)) ??
      (await lv.volumes.clone(volume.pool, volume.name, name));
    created.push({ ...volume, name });
    const disk = source.disks.find((d) => d.volume === volume.name);
    disks.push({
      device: 'disk',
      pool: volume.pool,
      volume: info.name,
      format: (info.format as 'qcow2' | 'raw') ?? 'qcow2',
      target: disk?.target ?? 'vda',
      bus: 'virtio',
    });
  }
  return disks;
}

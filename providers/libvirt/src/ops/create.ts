// Create: validate, return the VM of this owner if it exists, refuse a name taken by another owner,
// then (in the background, behind a task) lay the root overlay on the base image, create data disks
// and the cloud-init seed ISO, and define the domain (left powered off; the operator powers it on).
// The domain UUID follows from the owner uid, so a retry after a crash can never define a second
// domain, and volumes named after the UUID are reused or cleaned up.
import type { CallContext, CreateInput, CreateResult, VMDisk } from '@virtrigaud/provider-sdk';
import { invalidArgument } from '@virtrigaud/provider-sdk';
import { buildDomainXml } from '../domain/build-domain-xml';
import type { DiskSpec, DomainSpec, ManagedVolume } from '../domain/domain-spec';
import type { LibvirtContext } from '../context';
import { gibToBytes, hardware, rootDiskBytes } from '../hardware';
import {
  checkDomainName,
  dataVolumeName,
  derivedUuid,
  rootVolumeName,
  seedVolumeName,
} from '../names';
import { interfaces, networkConfig } from '../networks';
import { uploadSeedIso } from '../storage/seed-iso';
import type { BackingImage, VolumeInfo } from '../storage/volumes';
import { settledWithin } from '../inflight';
import { encodeTask } from '../tasks';
import { ownerVmExists } from './owner';
import { removeVolumes } from './volume-cleanup';

/** A build finished within this is answered directly, without a task. */
export const ANSWER_WITHIN_MS = 2000;
/** A create whose domain never appears within this is reported failed (the worker died). */
const CREATE_GRACE_MS = 10 * 60_000;

export async function createVm(
  lv: LibvirtContext,
  ctx: CallContext,
  input: CreateInput,
): Promise<CreateResult> {
  const name = checkDomainName(input.name);
  if (!input.owner?.uid) throw invalidArgument('owner.uid', 'must not be empty');
  const source = input.image.source?.libvirt;
  if (!source)
    throw invalidArgument(
      'image_json.source.libvirt',
      'the libvirt provider needs a libvirt image source',
    );
  const uuid = derivedUuid(input.owner.uid);
  const hw = hardware(input.class);
  const nics = interfaces(input.networks, uuid, lv.settings.defaultNetwork);
  input.disks.forEach(checkDisk);

  if (await ownerVmExists(lv, uuid, name, input.owner.uid, ctx.signal)) return { id: uuid };

  const pool = source.storagePool ?? input.placement.storage ?? lv.settings.storagePool;
  const task = encodeTask({
    op: 'create',
    id: uuid,
    expect: 'defined',
    giveUpAt: Date.now() + lv.settings.downloadTimeoutMs + CREATE_GRACE_MS,
  });
  const built = lv.inflight.start(
    `create:${uuid}`,
    () => build(lv, input, { name, uuid, pool, hw, nics }),
    (err) => lv.log.warn({ err, domain: name, correlationId: ctx.correlationId }, 'create failed'),
  );
  // A failure is reported through the task, like one that happens later.
  const outcome = await settledWithin(built, ANSWER_WITHIN_MS, ctx.signal);
  return outcome?.done && !outcome.error ? { id: uuid } : { id: uuid, task };
}

function checkDisk(disk: VMDisk, index: number): void {
  if (!disk.name) throw invalidArgument(`disks_json[${index}].name`, 'must not be empty');
  if (!Number.isInteger(disk.sizeGiB) || disk.sizeGiB < 1)
    throw invalidArgument(`disks_json[${index}].sizeGiB`, 'must be a positive integer');
}

interface Plan {
  name: string;
  uuid: string;
  pool: string;
  hw: ReturnType<typeof hardware>;
  nics: ReturnType<typeof interfaces>;
}

async function build(lv: LibvirtContext, input: CreateInput, plan: Plan): Promise<void> {
  const created: ManagedVolume[] = [];
  try {
    const image = await lv.images.resolve(input.image.source.libvirt!, plan.pool);
    const root = rootVolumeName(plan.uuid);
    created.push({ pool: plan.pool, name: root, role: 'root' });
    await rootOverlay(lv, plan.pool, root, image, rootDiskBytes(input.class));
    const disks: DiskSpec[] = [
      {
        device: 'disk',
        pool: plan.pool,
        volume: root,
        format: 'qcow2',
        target: 'vda',
        bus: 'virtio',
      },
    ];
    for (const [index, disk] of input.disks.entries()) {
      const volume = await dataDisk(lv, plan, disk);
      created.push({ pool: volume.pool, name: volume.name, role: 'data', disk: disk.name });
      disks.push({
        device: 'disk',
        pool: volume.pool,
        volume: volume.name,
        format: diskFormat(disk),
        target: diskTarget(index + 1),
        bus: 'virtio',
      });
    }
    const seed = await seedIso(lv, input, plan);
    if (seed) {
      created.push({ pool: plan.pool, name: seed.name, role: 'seed' });
      disks.push({
        device: 'cdrom',
        pool: plan.pool,
        volume: seed.name,
        format: 'raw',
        target: 'sda',
        bus: 'sata',
      });
    }
    const spec: DomainSpec = {
      name: plan.name,
      uuid: plan.uuid,
      domainType: await lv.domainType(),
      ...plan.hw,
      firmware: input.class.firmware ?? 'BIOS',
      secureBoot: input.class.secureBoot ?? false,
      disks,
      interfaces: plan.nics,
      console: lv.settings.console,
      description: `VirtRigaud VM ${input.owner.namespace}/${input.owner.name}`,
      metadata: { owner: input.owner, tags: input.tags, volumes: created, image: image.label },
    };
    await lv.domains.define(buildDomainXml(spec));
    lv.managedIds.remember(plan.uuid);
  } catch (err) {
    // Nothing defined: the volumes made for it would be orphans (another owner may have won the name).
    if (!(await lv.domains.find(plan.uuid, { inactive: true }).catch(() => undefined)))
      await removeVolumes(lv, created).catch((cleanupErr: unknown) =>
        lv.log.warn({ err: cleanupErr }, 'cleanup after a failed create failed'),
      );
    throw err;
  }
}

/** The root overlay (kept when an interrupted Create already made it), grown to the class size. */
export async function rootOverlay(
  lv: LibvirtContext,
  pool: string,
  name: string,
  image: BackingImage,
  sizeBytes: number | undefined,
): Promise<void> {
  await lv.volumes.ensureOverlay(pool, name, image);
  if (!sizeBytes) return;
  const volume = await lv.volumes.info(pool, name);
  if (volume && sizeBytes > volume.capacityBytes) await lv.volumes.resize(pool, name, sizeBytes);
}

export function diskFormat(disk: VMDisk): 'qcow2' | 'raw' {
  return disk.type === 'raw' ? 'raw' : 'qcow2';
}

/** vda is the root disk; data disks follow as vdb, vdc, ... (vdz, then vdaa, ...). */
export function diskTarget(index: number): string {
  let suffix = '';
  for (let n = index; n >= 0; n = Math.floor(n / 26) - 1)
    suffix = String.fromCharCode(97 + (n % 26)) + suffix;
  return `vd${suffix}`;
}

export async function dataDisk(
  lv: LibvirtContext,
  plan: { uuid: string; pool: string },
  disk: VMDisk,
): Promise<VolumeInfo> {
  const pool = disk.storage || plan.pool;
  const format = diskFormat(disk);
  const name = dataVolumeName(plan.uuid, disk.name, format);
  return (
    (await lv.volumes.info(pool, name)) ??
    (await lv.volumes.createBlank(pool, name, format, gibToBytes(disk.sizeGiB)))
  );
}

async function seedIso(
  lv: LibvirtContext,
  input: CreateInput,
  plan: Plan,
): Promise<VolumeInfo | undefined> {
  const network = networkConfig(input.networks, plan.nics);
  if (!input.userData?.length && !input.metaData?.length && !network) return undefined;
  const metaData = input.metaData?.length
    ? input.metaData
    : Buffer.from(
        JSON.stringify({
          'instance-id': plan.uuid,
          'local-hostname': input.owner.name || plan.name,
        }),
      );
  return uploadSeedIso(lv.volumes, plan.pool, seedVolumeName(plan.uuid), {
    userData: input.userData ?? Buffer.from('#cloud-config\n{}\n'),
    metaData,
    networkConfig: network,
  });
}

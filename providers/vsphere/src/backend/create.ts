// Create: clone from a template (image.source.vsphere.templateName) or build a VM from scratch,
// stamped with its owner. Idempotent by owner: the instance UUID is the owner's uid, so a retry
// (after a timeout, a provider restart, on another replica) finds the VM instead of making one.
import {
  alreadyExists,
  invalidArgument,
  unimplemented,
  type CallContext,
  type CreateInput,
  type CreateResult,
} from '@virtrigaud/provider-sdk';
import { findByInventoryPath, findChild } from '../vim25/inventory';
import type { MoRef } from '../vim25/moref';
import { retrieveOne } from '../vim25/properties';
import type { SoapValue } from '../vim25/xml';
import { moref, text } from '../vim25/xml';
import type { VSphereContext } from './context';
import {
  type Device,
  diskSlot,
  diskType,
  freeUnits,
  growDisk,
  isDisk,
  isNic,
  isScsiController,
  newDisk,
  newNic,
  newScsiController,
  nicType,
  readDevices,
  removeDevice,
  rewireNic,
} from './devices';
import { isFault } from './errors';
import {
  BOOT_DISK,
  DISK_PREFIX,
  cloudInitOptions,
  option,
  ownerOptions,
  readExtraConfig,
  tagOptions,
  OWNER_UID,
} from './extra-config';
import { firmwareFields, guestId, hardwareFields } from './hardware';
import type { Placement } from './placement';
import { quickOutcome } from './quick-tasks';
import { instanceUuidFor } from './vm-locator';

const DEFAULT_BOOT_DISK_GIB = 20;
/** vCenter's limit for inventory names. */
const MAX_NAME_LENGTH = 80;
/**
 * How vCenter refuses a second VM of the same name in a folder, as a fault of the call or of its
 * task: when our lookup raced another replica's create for the same owner, that VM is ours.
 */
const NAME_CLASH = ['DuplicateName', 'AlreadyExists'];

export async function createVm(
  vs: VSphereContext,
  ctx: CallContext,
  input: CreateInput,
): Promise<CreateResult> {
  if (input.name.length > MAX_NAME_LENGTH) {
    throw invalidArgument('name', `vSphere names are at most ${MAX_NAME_LENGTH} characters`);
  }
  const id = instanceUuidFor(input.owner.uid);
  const source = input.image.source.vsphere;
  if (source?.contentLibrary) {
    throw unimplemented(
      'image_json.source.vsphere.contentLibrary: content library deployment needs the vSphere Automation REST API, which this provider does not use; use templateName',
    );
  }
  // The owner lookup and the name check are independent: ask both at once.
  const [existing, placement] = await Promise.all([
    existingVm(vs, ctx, id, input),
    vs.placement.resolve(input.placement, 'placement_json', ctx.signal).then(async (resolved) => ({
      resolved,
      nameTaken: await findChild(vs.client, resolved.folder, input.name, ctx.signal),
    })),
  ]);
  if (existing) return { id: existing };
  if (placement.nameTaken) return { id: await adoptOrReject(vs, ctx, placement.nameTaken, input) };

  let task: MoRef;
  try {
    task = source?.templateName
      ? await cloneFromTemplate(vs, ctx, input, id, placement.resolved, source.templateName)
      : await createFromScratch(vs, ctx, input, id, placement.resolved);
  } catch (err) {
    if (isFault(err, 'ManagedObjectNotFound')) {
      vs.placement.forget();
      vs.networks.forget();
    }
    if (!isFault(err, ...NAME_CLASH)) throw err;
    const raced = await existingVm(vs, ctx, id, input);
    if (raced) return { id: raced };
    throw err;
  }
  vs.creations.started(task, id);
  ctx.log.info({ vm: input.name, id, task: task.value }, 'create started');
  // A create vCenter finished within the answer bound needs no task (quick-tasks.ts).
  const outcome = await quickOutcome(vs, ctx, task);
  if (outcome?.state === 'success') {
    vs.creations.completed(task.value, outcome.result);
    return { id };
  }
  if (outcome?.state === 'error' && NAME_CLASH.includes(outcome.errorType!)) {
    const raced = await existingVm(vs, ctx, id, input);
    if (raced) return { id: raced };
  }
  return { id, task: task.value };
}

/** The id of this owner's VM if it exists; ALREADY_EXISTS if that UUID is someone else's. */
async function existingVm(
  vs: VSphereContext,
  ctx: CallContext,
  id: string,
  input: CreateInput,
): Promise<string | undefined> {
  const vm = await vs.vms.read(id, ['config.extraConfig'], ctx.signal);
  if (!vm) return undefined;
  const owner = readExtraConfig(vm.props.get('config.extraConfig')).get(OWNER_UID);
  if (owner !== undefined && owner !== input.owner.uid) {
    throw alreadyExists(`VM with instance UUID ${id} belongs to owner ${owner}`);
  }
  return id;
}

/** A VM with the requested name already exists in the folder: ours (adopt) or another owner's. */
async function adoptOrReject(
  vs: VSphereContext,
  ctx: CallContext,
  vm: MoRef,
  input: CreateInput,
): Promise<string> {
  const props = await retrieveOne(
    vs.client,
    vm,
    ['config.extraConfig', 'config.instanceUuid'],
    ctx.signal,
  );
  const owner = readExtraConfig(props.props.get('config.extraConfig')).get(OWNER_UID);
  if (owner !== input.owner.uid) {
    throw alreadyExists(
      `a VM named "${input.name}" already exists${owner ? ` (owner ${owner})` : ' and is not managed by VirtRigaud'}`,
    );
  }
  return text(props.props.get('config.instanceUuid'))!;
}

interface Layout {
  devices: SoapValue[];
  extraConfig: SoapValue[];
}

/** NICs for the requested networks: template NICs are rewired in order, the rest added. */
async function networkDevices(
  vs: VSphereContext,
  ctx: CallContext,
  input: CreateInput,
  datacenter: string,
  existing: Device[],
): Promise<SoapValue[]> {
  if (input.networks.length === 0) return [];
  const nics = existing.filter(isNic);
  const specs: SoapValue[] = [];
  for (const [index, network] of input.networks.entries()) {
    const field = `networks_json[${index}]`;
    const portgroup = network.attachment.vsphere?.portgroup;
    if (!portgroup) throw invalidArgument(`${field}.vsphere.portgroup`, 'required on vSphere');
    const type = nicType(network.attachment.model, `${field}.model`);
    const backing = await vs.networks.backing(datacenter, portgroup, field, ctx.signal);
    const reused = nics[index];
    specs.push(
      reused
        ? rewireNic(reused, backing, network.macAddress)
        : newNic(-300 - index, type, backing, network.macAddress),
    );
  }
  for (const extra of nics.slice(input.networks.length)) specs.push(removeDevice(extra));
  return specs;
}

/** Data disks on the first SCSI controller (a new one for scratch VMs), recorded by name. */
function dataDisks(
  input: CreateInput,
  controllerKey: number,
  existing: Device[],
  controllerBus: number,
  defaultType: string | undefined,
  storage: Map<string, { name: string; ref: MoRef }>,
): Layout {
  const units = freeUnits(existing, controllerKey);
  const layout: Layout = { devices: [], extraConfig: [] };
  for (const [index, disk] of input.disks.entries()) {
    const unitNumber = units[index];
    if (unitNumber === undefined) {
      throw invalidArgument(`disks_json[${index}]`, 'no free SCSI unit on the first controller');
    }
    layout.devices.push(
      newDisk({
        key: -200 - index,
        controllerKey,
        unitNumber,
        sizeGiB: disk.sizeGiB,
        type: diskType(disk.type ?? defaultType, `disks_json[${index}].type`),
        datastore: disk.storage ? storage.get(disk.storage) : undefined,
      }),
    );
    layout.extraConfig.push(
      option(`${DISK_PREFIX}${disk.name}`, `scsi${controllerBus}:${unitNumber}`),
    );
  }
  return layout;
}

async function diskDatastores(
  vs: VSphereContext,
  ctx: CallContext,
  input: CreateInput,
  datacenter: string,
): Promise<Map<string, { name: string; ref: MoRef }>> {
  const stores = new Map<string, { name: string; ref: MoRef }>();
  for (const [index, disk] of input.disks.entries()) {
    if (!disk.storage || stores.has(disk.storage)) continue;
    const ref = await vs.placement.datastoreByName(
      datacenter,
      disk.storage,
      `disks_json[${index}].storage`,
      ctx.signal,
    );
    stores.set(disk.storage, { name: disk.storage, ref });
  }
  return stores;
}

function commonExtraConfig(input: CreateInput): SoapValue[] {
  return [
    ...ownerOptions(input.owner),
    ...tagOptions(input.tags),
    ...cloudInitOptions(input.userData, input.metaData),
  ];
}

async function createFromScratch(
  vs: VSphereContext,
  ctx: CallContext,
  input: CreateInput,
  id: string,
  placement: Placement,
): Promise<MoRef> {
  const controller = newScsiController();
  const bootType = diskType(input.class.diskDefaults?.type, 'class_json.diskDefaults.type');
  const boot = newDisk({
    key: -199,
    controllerKey: controller.key,
    unitNumber: 0,
    sizeGiB: input.class.diskDefaults?.sizeGiB ?? DEFAULT_BOOT_DISK_GIB,
    type: bootType,
  });
  const occupied: Device[] = [
    { type: 'VirtualDisk', key: -199, controllerKey: controller.key, unitNumber: 0, node: {} },
  ];
  const stores = await diskDatastores(vs, ctx, input, placement.datacenter);
  const disks = dataDisks(
    input,
    controller.key,
    occupied,
    0,
    input.class.diskDefaults?.type,
    stores,
  );
  const nics = await networkDevices(vs, ctx, input, placement.datacenter, []);
  const config = {
    name: input.name,
    instanceUuid: id,
    guestId: guestId(input.class, input.image.osType),
    files: { vmPathName: `[${placement.datastore.name}]` },
    ...hardwareFields(input.class, 'class_json'),
    deviceChange: [controller.spec, boot, ...disks.devices, ...nics],
    extraConfig: [...commonExtraConfig(input), option(BOOT_DISK, 'scsi0:0'), ...disks.extraConfig],
    ...firmwareFields(input.class),
  };
  return moref(
    await vs.client.invoke(
      'CreateVM_Task',
      placement.folder,
      { config, pool: placement.pool, host: placement.host },
      ctx.signal,
    ),
  )!;
}

async function findTemplate(
  vs: VSphereContext,
  ctx: CallContext,
  datacenter: string,
  templateName: string,
): Promise<MoRef> {
  const field = 'image_json.source.vsphere.templateName';
  if (templateName.includes('/')) {
    return vs.placement.lookup(templateName.replace(/^\//, ''), field, ctx.signal);
  }
  const inRootFolder = await findByInventoryPath(
    vs.client,
    `${datacenter}/vm/${templateName}`,
    ctx.signal,
  );
  if (inRootFolder) return inRootFolder;
  const all = await vs.views.retrieveAll('VirtualMachine', ['name'], ctx.signal);
  const match = all.find((vm) => text(vm.props.get('name')) === templateName);
  if (!match) throw invalidArgument(field, `no VM or template named "${templateName}"`);
  return match.obj;
}

async function cloneFromTemplate(
  vs: VSphereContext,
  ctx: CallContext,
  input: CreateInput,
  id: string,
  placement: Placement,
  templateName: string,
): Promise<MoRef> {
  const template = await findTemplate(vs, ctx, placement.datacenter, templateName);
  const props = await retrieveOne(vs.client, template, ['config.hardware.device'], ctx.signal);
  const devices = readDevices(props.props.get('config.hardware.device'));
  const controller = devices.find(isScsiController);
  const bootDisk = devices.find(isDisk);
  const deviceChange: SoapValue[] = [];
  const extraConfig = commonExtraConfig(input);
  const wantedBootGiB = input.class.diskDefaults?.sizeGiB;
  if (bootDisk) {
    const slot = diskSlot(devices, bootDisk);
    if (slot) extraConfig.push(option(BOOT_DISK, slot));
    if (wantedBootGiB && wantedBootGiB * 1024 * 1024 > (bootDisk.capacityKiB ?? 0)) {
      deviceChange.push(growDisk(bootDisk, wantedBootGiB));
    }
  }
  if (input.disks.length > 0) {
    if (!controller) {
      throw invalidArgument('disks_json', `template "${templateName}" has no SCSI controller`);
    }
    const stores = await diskDatastores(vs, ctx, input, placement.datacenter);
    const disks = dataDisks(
      input,
      controller.key,
      devices,
      controller.busNumber ?? 0,
      input.class.diskDefaults?.type,
      stores,
    );
    deviceChange.push(...disks.devices);
    extraConfig.push(...disks.extraConfig);
  }
  deviceChange.push(...(await networkDevices(vs, ctx, input, placement.datacenter, devices)));
  const spec = {
    location: {
      folder: placement.folder,
      datastore: placement.datastore.ref,
      pool: placement.pool,
      host: placement.host,
    },
    template: false,
    config: {
      instanceUuid: id,
      ...hardwareFields(input.class, 'class_json'),
      deviceChange,
      extraConfig,
    },
    powerOn: false,
  };
  return moref(
    await vs.client.invoke(
      'CloneVM_Task',
      template,
      { folder: placement.folder, name: input.name, spec },
      ctx.signal,
    ),
  )!;
}

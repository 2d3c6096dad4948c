// Reconfigure: CPU/memory (online only where hot-add is enabled, never shrinking a running VM),
// growing disks (online), adding new data disks. Disks are matched by the names recorded at
// create time; removing a disk is left to people (data loss is not reconciled away).
import {
  failedPrecondition,
  invalidArgument,
  notFound,
  type CallContext,
  type DesiredState,
  type Operation,
} from '@virtrigaud/provider-sdk';
import { moref, text, type SoapValue } from '../vim25/xml';
import type { VSphereContext } from './context';
import {
  type Device,
  diskSlot,
  diskType,
  freeUnits,
  growDisk,
  isDisk,
  isScsiController,
  newDisk,
  readDevices,
} from './devices';
import { BOOT_DISK, DISK_PREFIX, option, readExtraConfig } from './extra-config';
import { memoryMiB } from './hardware';

const PATHS = [
  'runtime.powerState',
  'config.hardware.numCPU',
  'config.hardware.memoryMB',
  'config.cpuHotAddEnabled',
  'config.memoryHotAddEnabled',
  'config.hardware.device',
  'config.extraConfig',
];

export async function reconfigure(
  vs: VSphereContext,
  ctx: CallContext,
  id: string,
  desired: DesiredState,
): Promise<Operation> {
  const vm = await vs.vms.read(id, PATHS, ctx.signal);
  if (!vm) throw notFound(`VM ${id} not found`);
  const prop = (path: string) => text(vm.props.get(path));
  const running = prop('runtime.powerState') !== 'poweredOff';
  const spec: Record<string, SoapValue> = {};

  const cpu = desired.class.cpu;
  const currentCpu = Number(prop('config.hardware.numCPU'));
  if (cpu !== currentCpu) {
    if (running && (cpu < currentCpu || prop('config.cpuHotAddEnabled') !== 'true')) {
      throw failedPrecondition(
        `changing CPUs ${currentCpu}→${cpu} needs the VM powered off (CPU hot-add is off or this is a decrease)`,
      );
    }
    spec.numCPUs = cpu;
  }
  const memory = memoryMiB(desired.class.memory, 'desired_json.class.memory');
  const currentMemory = Number(prop('config.hardware.memoryMB'));
  if (memory !== currentMemory) {
    if (running && (memory < currentMemory || prop('config.memoryHotAddEnabled') !== 'true')) {
      throw failedPrecondition(
        `changing memory ${currentMemory}→${memory} MiB needs the VM powered off (memory hot-add is off or this is a decrease)`,
      );
    }
    spec.memoryMB = memory;
  }

  const devices = readDevices(vm.props.get('config.hardware.device'));
  const extra = readExtraConfig(vm.props.get('config.extraConfig'));
  const { changes, records } = diskChanges(desired, devices, extra);
  if (changes.length > 0) spec.deviceChange = changes;
  if (records.length > 0) spec.extraConfig = records;
  if (Object.keys(spec).length === 0) return {};
  const task = moref(await vs.client.invoke('ReconfigVM_Task', vm.obj, { spec }, ctx.signal))!;
  return { task: task.value };
}

function diskChanges(desired: DesiredState, devices: Device[], extra: Map<string, string>) {
  const changes: SoapValue[] = [];
  const records: SoapValue[] = [];
  const bySlot = new Map(devices.filter(isDisk).map((disk) => [diskSlot(devices, disk), disk]));
  const wanted: { field: string; slot?: string; sizeGiB: number; name?: string; type?: string }[] =
    [];
  const bootGiB = desired.class.diskDefaults?.sizeGiB;
  if (bootGiB)
    wanted.push({
      field: 'desired_json.class.diskDefaults.sizeGiB',
      slot: extra.get(BOOT_DISK),
      sizeGiB: bootGiB,
    });
  desired.disks.forEach((disk, index) =>
    wanted.push({
      field: `desired_json.disks[${index}]`,
      slot: extra.get(`${DISK_PREFIX}${disk.name}`),
      sizeGiB: disk.sizeGiB,
      name: disk.name,
      type: disk.type,
    }),
  );
  const controller = devices.find(isScsiController);
  const units = controller ? freeUnits(devices, controller.key) : [];
  for (const want of wanted) {
    const disk = want.slot ? bySlot.get(want.slot) : undefined;
    if (disk) {
      const currentGiB = (disk.capacityKiB ?? 0) / (1024 * 1024);
      if (want.sizeGiB < currentGiB)
        throw invalidArgument(
          `${want.field}.sizeGiB`,
          `disks cannot shrink (${currentGiB} GiB now)`,
        );
      if (want.sizeGiB > currentGiB) changes.push(growDisk(disk, want.sizeGiB));
      continue;
    }
    if (!want.name) continue;
    const unitNumber = units.shift();
    if (!controller || unitNumber === undefined)
      throw failedPrecondition(`${want.field}: no free SCSI unit for a new disk`);
    changes.push(
      newDisk({
        key: -200 - changes.length,
        controllerKey: controller.key,
        unitNumber,
        sizeGiB: want.sizeGiB,
        type: diskType(want.type, `${want.field}.type`),
      }),
    );
    records.push(
      option(`${DISK_PREFIX}${want.name}`, `scsi${controller.busNumber ?? 0}:${unitNumber}`),
    );
  }
  return { changes, records };
}

// Disks: the boot disk comes from the template and grows to the class's diskDefaults.sizeGiB;
// data disk i lives in slot `scsi<i+1>`, so the mapping is stable across retries and reconfigures
// (a slot already holding a disk is kept, never replaced). Disks grow, never shrink.
import { invalidArgument, type VMDisk } from '@virtrigaud/provider-sdk';
import type { VmConfig } from './resources';
import type { ConfigParams } from './vm-params';

const BOOT_CANDIDATES = ['scsi0', 'virtio0', 'sata0', 'ide0'];
const STORAGE_ID = /^[a-z][a-z0-9\-_.]*[a-z0-9]$/i;

/** A storage name checked before it goes into a property string. */
export function storageId(field: string, value: string): string {
  if (!STORAGE_ID.test(value))
    throw invalidArgument(field, `"${value}" is not a Proxmox storage id`);
  return value;
}

export function sizeGiB(drive: string): number {
  const size = /(?:^|,)size=(\d+(?:\.\d+)?)([KMGT]?)/.exec(drive);
  if (!size) return 0;
  const factor = { K: 1 / 1024 ** 2, M: 1 / 1024, G: 1, T: 1024, '': 1 / 1024 ** 3 }[size[2]]!;
  return Number(size[1]) * factor;
}

function isDataDrive(value: unknown): value is string {
  return typeof value === 'string' && !value.includes('media=cdrom');
}

export function bootDisk(config: VmConfig): string | undefined {
  const bootOrder = /order=([^,]+)/.exec(String(config.boot ?? ''))?.[1].split(';') ?? [];
  return [...bootOrder, ...BOOT_CANDIDATES].find((key) => isDataDrive(config[key]));
}

export function dataDiskSlot(index: number): string {
  return `scsi${index + 1}`;
}

export interface DiskPlan {
  /** New disks, as `<slot>: <storage>:<GiB>` config parameters. */
  add: ConfigParams;
  /** Disks to grow: slot → new size in GiB. */
  grow: Map<string, number>;
}

/** What to change so the VM has the boot size and data disks asked for. */
export function planDisks(
  field: string,
  config: VmConfig,
  disks: VMDisk[],
  bootSizeGiB: number | undefined,
  defaultStorage: string | undefined,
): DiskPlan {
  const plan: DiskPlan = { add: {}, grow: new Map() };
  const boot = bootDisk(config);
  if (boot && bootSizeGiB && sizeGiB(String(config[boot])) < bootSizeGiB)
    plan.grow.set(boot, bootSizeGiB);
  disks.forEach((disk, i) => {
    const slot = dataDiskSlot(i);
    const current = config[slot];
    if (isDataDrive(current)) {
      const have = sizeGiB(current);
      if (disk.sizeGiB < have) {
        throw invalidArgument(
          `${field}[${i}].sizeGiB`,
          `cannot shrink disk ${disk.name} from ${have} GiB to ${disk.sizeGiB} GiB`,
        );
      }
      if (disk.sizeGiB > have) plan.grow.set(slot, disk.sizeGiB);
      return;
    }
    const storage = disk.storage ?? defaultStorage;
    if (!storage)
      throw invalidArgument(
        `${field}[${i}].storage`,
        'is required (or set the Provider default storage)',
      );
    plan.add[slot] = `${storageId(`${field}[${i}].storage`, storage)}:${disk.sizeGiB}`;
  });
  return plan;
}

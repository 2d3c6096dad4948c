// The simulated cluster: nodes, storages, QEMU VMs (configs as Proxmox stores them: key → string,
// property strings included), power states, snapshots and the errors Proxmox raises for them.
// Messages are Proxmox's own, so the provider's error handling meets the real wording.
import { DISK_KEY, NEW_DISK, parseDrive, printDrive } from './drives';
import { PveError } from './pve-error';

export interface Snapshot {
  name: string;
  snaptime: number;
  vmstate: boolean;
  description: string;
  parent?: string;
  config: Record<string, string>;
  running: boolean;
}

export interface Vm {
  vmid: number;
  node: string;
  config: Record<string, string>;
  status: 'running' | 'stopped';
  startedAt?: number;
  snapshots: Map<string, Snapshot>;
  /** The snapshot the current state descends from. */
  parent?: string;
}

export interface SeedVm {
  vmid: number;
  node: string;
  config: Record<string, string>;
  template?: boolean;
}

export class Cluster {
  readonly vms = new Map<number, Vm>();
  private nextDiskNumber = new Map<number, number>();

  /**
   * Files on the storages that are no VM disks, by volume id, with their size in GiB: ISO images
   * (`local:iso/x.iso`) and disk images to import (`local:import/x.qcow2`).
   */
  readonly files: Map<string, number>;

  constructor(
    readonly nodes: string[],
    readonly storages: string[],
    seed: SeedVm[] = [],
    files: Record<string, number> = {},
  ) {
    this.files = new Map(Object.entries(files));
    for (const vm of seed) {
      const config = { ...vm.config, ...(vm.template ? { template: '1' } : {}) };
      this.vms.set(vm.vmid, {
        vmid: vm.vmid,
        node: vm.node,
        config,
        status: 'stopped',
        snapshots: new Map(),
      });
    }
  }

  requireNode(node: string): void {
    if (!this.nodes.includes(node)) {
      throw new PveError(595, `no such cluster node '${node}'`);
    }
  }

  /** The VM as `/nodes/{node}/qemu/{vmid}` sees it: only on its own node. */
  vm(node: string, vmid: string | number): Vm {
    this.requireNode(node);
    const vm = this.vms.get(Number(vmid));
    if (!vm || vm.node !== node) {
      throw new PveError(
        500,
        `Configuration file 'nodes/${node}/qemu-server/${vmid}.conf' does not exist`,
      );
    }
    return vm;
  }

  requireUnlocked(vm: Vm): void {
    if (vm.config.lock) throw new PveError(500, `VM is locked (${vm.config.lock})`);
  }

  requireFree(vmid: number): void {
    const existing = this.vms.get(vmid);
    if (existing) {
      throw new PveError(
        500,
        `unable to create VM ${vmid} - VM ${vmid} already exists on node '${existing.node}'`,
      );
    }
  }

  nextId(): number {
    let vmid = 100;
    while (this.vms.has(vmid)) vmid++;
    return vmid;
  }

  requireStorage(storage: string): void {
    if (!this.storages.includes(storage)) {
      throw new PveError(500, `storage '${storage}' does not exist`);
    }
  }

  /** A new volume name on `storage` for the VM, as Proxmox allocates them. */
  allocateVolume(vmid: number, storage: string, sizeGiB: string): string {
    this.requireStorage(storage);
    const n = this.nextDiskNumber.get(vmid) ?? 0;
    this.nextDiskNumber.set(vmid, n + 1);
    return `${storage}:vm-${vmid}-disk-${n},size=${sizeGiB}G`;
  }

  /**
   * Applies config changes the way `PUT /config` stores them: `<storage>:<GiB>` allocates a new
   * volume, `<storage>:cloudinit` creates the cloud-init drive, `delete` removes keys.
   */
  applyConfig(vm: Vm, changes: Record<string, string>, deleted: string[]): void {
    for (const key of deleted) {
      if (vm.config[key] === undefined && !DISK_KEY.test(key)) continue;
      delete vm.config[key];
    }
    for (const [key, value] of Object.entries(changes)) {
      vm.config[key] = DISK_KEY.test(key) ? this.drive(vm.vmid, value) : value;
    }
  }

  /**
   * A drive as stored after the API call's work: new volumes allocated (`<storage>:<GiB>`), an
   * image file copied into a new volume of its size (`<storage>:0,import-from=<file>`), the
   * cloud-init drive created, and a missing ISO or import source refused as the worker does.
   */
  private drive(vmid: number, value: string): string {
    const { file, options } = parseDrive(value);
    const [storage, volume] = file.split(':');
    const source = options['import-from'];
    if (source !== undefined) {
      const size = this.files.get(source);
      if (size === undefined)
        throw new PveError(500, `cannot import from '${source}' - could not get size of ${source}`);
      delete options['import-from'];
      return printDrive({ file: this.allocateVolume(vmid, storage, String(size)), options });
    }
    if (volume === 'cloudinit') {
      this.requireStorage(storage);
      return printDrive({ file: `${storage}:vm-${vmid}-cloudinit,media=cdrom`, options });
    }
    if (NEW_DISK.test(file)) {
      return printDrive({ file: this.allocateVolume(vmid, storage, volume), options });
    }
    if (options.media === 'cdrom' && volume !== undefined && !this.files.has(file)) {
      throw new PveError(500, `volume ${file} does not exist`);
    }
    return value;
  }

  create(vmid: number, node: string, config: Record<string, string>): Vm {
    const vm: Vm = { vmid, node, config, status: 'stopped', snapshots: new Map() };
    this.vms.set(vmid, vm);
    return vm;
  }
}

/** Size of a drive in GiB from its `size=` option (`32G`, `512M`). */
export function driveSizeGiB(value: string): number {
  const size = /(?:^|,)size=(\d+(?:\.\d+)?)([KMGT]?)/.exec(value);
  if (!size) return 0;
  const factor = { K: 1 / 1024 ** 2, M: 1 / 1024, G: 1, T: 1024, '': 1 / 1024 ** 3 }[size[2]]!;
  return Number(size[1]) * factor;
}

export function withDriveSize(value: string, sizeGiB: number): string {
  return /(?:^|,)size=/.test(value)
    ? value.replace(/((?:^|,)size=)[^,]*/, `$1${sizeGiB}G`)
    : `${value},size=${sizeGiB}G`;
}

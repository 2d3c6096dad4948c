// The HypervisorBackend for libvirt/KVM: wires virsh, storage and domain helpers to the operations.
import type {
  BackendConfig,
  CallContext,
  Capabilities,
  CloneInput,
  CreateInput,
  DesiredState,
  HypervisorBackend,
  Owner,
  PowerOperation,
  SnapshotInput,
} from '@virtrigaud/provider-sdk';
import { TaskRegistry } from '@virtrigaud/provider-sdk';
import { openConnection, type Connection } from './connection';
import type { LibvirtContext } from './context';
import { Domains } from './domain/domains';
import { ManagedVmIds } from './managed-vm-ids';
import { cloneVm } from './ops/clone';
import { createVm } from './ops/create';
import { deleteVm } from './ops/delete';
import { describeVm, listVms } from './ops/describe';
import { power } from './ops/power';
import { reconfigure } from './ops/reconfigure';
import { snapshotCreate, snapshotDelete, snapshotRevert } from './ops/snapshots';
import { taskStatus } from './ops/task-status';
import { libvirtSettings } from './settings';
import { ChainLock } from './storage/chain-lock';
import { ImageResolver } from './storage/images';
import { Volumes } from './storage/volumes';
import { Virsh } from './virsh/virsh';

export const LIBVIRT_CAPABILITIES: Capabilities = {
  // vCPUs/memory live up to the boot-time ceilings (cpuHotAdd/memoryHotAdd), disks grow live.
  reconfigureOnline: true,
  diskExpansionOnline: true,
  snapshots: true,
  memorySnapshots: true,
  // The source's disk is frozen as a shared qcow2 base (see ops/linked-clone.ts).
  linkedClones: true,
  // VMImage URLs are downloaded into the storage pool on first use.
  imageImport: true,
  diskTypes: ['qcow2', 'raw'],
  networkTypes: ['network', 'bridge', 'user'],
};

export class LibvirtBackend implements HypervisorBackend {
  private resolvedDomainType?: Promise<'kvm' | 'qemu'>;

  private constructor(
    private readonly lv: LibvirtContext,
    private readonly connection: Connection,
  ) {}

  static async open(config: BackendConfig): Promise<LibvirtBackend> {
    const settings = libvirtSettings(config);
    const connection = await openConnection(config);
    const virsh = new Virsh({ uri: connection.uri, timeoutMs: settings.virshTimeoutMs });
    const volumes = new Volumes(virsh);
    let backend: LibvirtBackend | undefined = undefined;
    const lv: LibvirtContext = {
      virsh,
      volumes,
      domains: new Domains(virsh),
      images: new ImageResolver(volumes, settings.downloadTimeoutMs),
      settings,
      host: connection.host,
      domainType: (signal) => backend!.domainType(signal),
      inflight: new TaskRegistry(),
      managedIds: new ManagedVmIds(),
      chainLock: new ChainLock(),
      log: config.log,
    };
    backend = new LibvirtBackend(lv, connection);
    return backend;
  }

  /** `auto`: kvm when the host's capabilities offer it for x86_64, else TCG. */
  private domainType(signal?: AbortSignal): Promise<'kvm' | 'qemu'> {
    const wanted = this.lv.settings.domainType;
    if (wanted !== 'auto') return Promise.resolve(wanted);
    this.resolvedDomainType ??= this.lv.virsh
      .run(['capabilities'], { signal })
      .then((xml) => (/<domain type=['"]kvm['"]/.test(xml) ? 'kvm' : 'qemu'));
    this.resolvedDomainType.catch(() => (this.resolvedDomainType = undefined));
    return this.resolvedDomainType;
  }

  capabilities(): Capabilities {
    return LIBVIRT_CAPABILITIES;
  }

  async validate(ctx: CallContext): Promise<void> {
    await this.lv.virsh.run(['version'], { signal: ctx.signal });
  }

  create(ctx: CallContext, input: CreateInput) {
    return createVm(this.lv, ctx, input);
  }

  delete(ctx: CallContext, id: string, owner?: Owner) {
    return deleteVm(this.lv, ctx, id, owner);
  }

  power(ctx: CallContext, id: string, op: PowerOperation, gracefulTimeoutSeconds: number) {
    return power(this.lv, ctx, id, op, gracefulTimeoutSeconds);
  }

  reconfigure(ctx: CallContext, id: string, desired: DesiredState) {
    return reconfigure(this.lv, ctx, id, desired);
  }

  describe(ctx: CallContext, id: string, owner?: Owner) {
    return describeVm(this.lv, ctx, id, owner);
  }

  taskStatus(ctx: CallContext, task: string) {
    return taskStatus(this.lv, ctx, task);
  }

  listVMs(ctx: CallContext) {
    return listVms(this.lv, ctx);
  }

  snapshotCreate(ctx: CallContext, input: SnapshotInput) {
    return snapshotCreate(this.lv, ctx, input);
  }

  snapshotDelete(ctx: CallContext, vmId: string, snapshotId: string) {
    return snapshotDelete(this.lv, ctx, vmId, snapshotId);
  }

  snapshotRevert(ctx: CallContext, vmId: string, snapshotId: string) {
    return snapshotRevert(this.lv, ctx, vmId, snapshotId);
  }

  clone(ctx: CallContext, input: CloneInput) {
    return cloneVm(this.lv, ctx, input);
  }

  async close(): Promise<void> {
    await this.connection.close();
  }
}

export const createLibvirtBackend = (config: BackendConfig) => LibvirtBackend.open(config);

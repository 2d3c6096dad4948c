// The Proxmox VE HypervisorBackend: one API client per provider process, every operation in its
// own module. VM ids are cluster-wide VMIDs; task ids are Proxmox UPIDs.
import type {
  BackendConfig,
  BackendFactory,
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
import { PveClient } from '../client/pve-client';
import { cloneVm } from './clone';
import { clientOptions, defaults } from './config';
import type { PveContext } from './context';
import { createVm } from './create';
import { deleteVm } from './delete';
import { describeVm, listVms } from './describe';
import { powerVm } from './power';
import { reconfigureVm } from './reconfigure';
import { createSnapshot, deleteSnapshot, revertSnapshot } from './snapshots';
import { taskStatus } from './task-status';

export const PROXMOX_CAPABILITIES: Capabilities = {
  reconfigureOnline: true,
  diskExpansionOnline: true,
  snapshots: true,
  memorySnapshots: true,
  linkedClones: true,
  imageImport: false,
  diskTypes: ['raw', 'qcow2'],
  networkTypes: ['virtio', 'e1000', 'e1000e', 'rtl8139', 'vmxnet3'],
};

export class ProxmoxBackend implements HypervisorBackend {
  readonly client: PveClient;
  private readonly pve: PveContext;

  constructor(config: BackendConfig) {
    this.client = new PveClient(clientOptions(config));
    this.pve = { client: this.client, defaults: defaults(config) };
  }

  capabilities(): Capabilities {
    return PROXMOX_CAPABILITIES;
  }

  async validate(ctx: CallContext): Promise<void> {
    await this.client.get('/version', {}, ctx);
  }

  create(ctx: CallContext, input: CreateInput) {
    return createVm(this.pve, ctx, input);
  }

  delete(ctx: CallContext, id: string, owner?: Owner) {
    return deleteVm(this.pve, ctx, id, owner);
  }

  power(ctx: CallContext, id: string, op: PowerOperation, gracefulTimeoutSeconds: number) {
    return powerVm(this.pve, ctx, id, op, gracefulTimeoutSeconds);
  }

  reconfigure(ctx: CallContext, id: string, desired: DesiredState) {
    return reconfigureVm(this.pve, ctx, id, desired);
  }

  async describe(ctx: CallContext, id: string, owner?: Owner) {
    const description = await describeVm(this.pve, ctx, id);
    // A VM of another owner under this id is not the caller's VM.
    if (description && owner && description.raw?.owner !== owner.uid) return undefined;
    return description;
  }

  taskStatus(ctx: CallContext, task: string) {
    return taskStatus(this.pve, ctx, task);
  }

  listVMs(ctx: CallContext) {
    return listVms(this.pve, ctx);
  }

  snapshotCreate(ctx: CallContext, input: SnapshotInput) {
    return createSnapshot(this.pve, ctx, input);
  }

  snapshotDelete(ctx: CallContext, vmId: string, snapshotId: string) {
    return deleteSnapshot(this.pve, ctx, vmId, snapshotId);
  }

  snapshotRevert(ctx: CallContext, vmId: string, snapshotId: string) {
    return revertSnapshot(this.pve, ctx, vmId, snapshotId);
  }

  clone(ctx: CallContext, input: CloneInput) {
    return cloneVm(this.pve, ctx, input);
  }

  async close(): Promise<void> {
    this.client.close();
  }
}

export const createProxmoxBackend: BackendFactory = (config) => new ProxmoxBackend(config);

// The HypervisorBackend for vCenter/ESXi: wires the vim25 session and inventory helpers to the
// operations, and turns vim25 faults into provider errors at this edge.
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
import { Vim25Client } from '../vim25/client';
import { InventoryViews } from '../vim25/properties';
import { cloneVm } from './clone';
import { clientOptions, defaults } from './config';
import type { VSphereContext } from './context';
import { createVm } from './create';
import { PendingCreations } from './creations';
import { deleteVm } from './delete';
import { describeVm, listVms } from './describe';
import { guard } from './errors';
import { hardwareUpgrade } from './hardware-upgrade';
import { NetworkResolver } from './networks';
import { PlacementResolver } from './placement';
import { power } from './power';
import { reconfigure } from './reconfigure';
import { snapshotCreate, snapshotDelete, snapshotRevert } from './snapshots';
import { taskStatus } from './task-status';
import { normaliseVmId, VmLocator } from './vm-locator';

export const VSPHERE_CAPABILITIES: Capabilities = {
  // CPU/memory hot-add where the VM has it enabled; disks grow and attach while running.
  reconfigureOnline: true,
  diskExpansionOnline: true,
  snapshots: true,
  memorySnapshots: true,
  linkedClones: true,
  // Content library / OVF import would need the vSphere Automation REST API.
  imageImport: false,
  diskTypes: ['thin', 'thick', 'eagerZeroedThick'],
  networkTypes: ['standard', 'distributed'],
};

export class VSphereBackend implements HypervisorBackend {
  private readonly vs: VSphereContext;

  constructor(config: BackendConfig) {
    const client = new Vim25Client(clientOptions(config));
    const views = new InventoryViews(client);
    const placement = new PlacementResolver(client, views, defaults(config));
    const vms = new VmLocator(client);
    this.vs = {
      client,
      views,
      placement,
      networks: new NetworkResolver(client, placement),
      vms,
      creations: new PendingCreations(vms),
      defaults: defaults(config),
      log: config.log,
    };
  }

  capabilities(): Capabilities {
    return VSPHERE_CAPABILITIES;
  }

  validate(ctx: CallContext): Promise<void> {
    return guard('validate', async () => {
      await this.vs.client.serviceContent(ctx.signal);
    });
  }

  create(ctx: CallContext, input: CreateInput) {
    return guard('create', () => createVm(this.vs, ctx, input));
  }

  delete(ctx: CallContext, id: string, owner?: Owner) {
    return guard('delete', () => deleteVm(this.vs, ctx, normaliseVmId(id), owner));
  }

  power(ctx: CallContext, id: string, op: PowerOperation, gracefulTimeoutSeconds: number) {
    return guard(`power ${op}`, () =>
      power(this.vs, ctx, normaliseVmId(id), op, gracefulTimeoutSeconds),
    );
  }

  reconfigure(ctx: CallContext, id: string, desired: DesiredState) {
    return guard('reconfigure', () => reconfigure(this.vs, ctx, normaliseVmId(id), desired));
  }

  describe(ctx: CallContext, id: string) {
    return guard('describe', () => describeVm(this.vs, ctx, normaliseVmId(id)));
  }

  taskStatus(ctx: CallContext, task: string) {
    return guard('task status', () => taskStatus(this.vs, ctx, task));
  }

  listVMs(ctx: CallContext) {
    return guard('list VMs', () => listVms(this.vs, ctx));
  }

  hardwareUpgrade(ctx: CallContext, id: string, targetVersion: number) {
    return guard('hardware upgrade', () =>
      hardwareUpgrade(this.vs, ctx, normaliseVmId(id), targetVersion),
    );
  }

  snapshotCreate(ctx: CallContext, input: SnapshotInput) {
    return guard('snapshot create', () =>
      snapshotCreate(this.vs, ctx, { ...input, vmId: normaliseVmId(input.vmId) }),
    );
  }

  snapshotDelete(ctx: CallContext, vmId: string, snapshotId: string) {
    return guard('snapshot delete', () =>
      snapshotDelete(this.vs, ctx, normaliseVmId(vmId), snapshotId),
    );
  }

  snapshotRevert(ctx: CallContext, vmId: string, snapshotId: string) {
    return guard('snapshot revert', () =>
      snapshotRevert(this.vs, ctx, normaliseVmId(vmId), snapshotId),
    );
  }

  clone(ctx: CallContext, input: CloneInput) {
    return guard('clone', () =>
      cloneVm(this.vs, ctx, { ...input, sourceVmId: normaliseVmId(input.sourceVmId) }),
    );
  }

  close(): Promise<void> {
    return this.vs.client.close();
  }
}

export function createVSphereBackend(config: BackendConfig): HypervisorBackend {
  return new VSphereBackend(config);
}

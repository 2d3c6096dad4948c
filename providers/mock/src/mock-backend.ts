// An in-memory hypervisor with the semantics of the real ones: VMs keyed by owner uid, name
// conflicts, asynchronous transitions (power, reconfigure, snapshots, clones, delete) that become
// visible when their task is done, an IP after power-on, and injectable faults. Documented as a
// mock: it stands in for a hypervisor only where none can run.
import { setTimeout as sleep } from 'node:timers/promises';
import {
  failedPrecondition,
  invalidArgument,
  notFound,
  unavailable,
  type CallContext,
  type Capabilities,
  type CloneInput,
  type CreateInput,
  type CreateResult,
  type Description,
  type DesiredState,
  type HypervisorBackend,
  type ImagePrepareInput,
  type Operation,
  type Owner,
  type PowerOperation,
  type SnapshotInput,
  type TaskState,
  type VMSummary,
} from '@virtrigaud/provider-sdk';
import { ConnectionLimit } from './connection-limit';
import type { Faults } from './faults';
import type { OptionalFeature } from './mock-options';
import type { MockVM, Transition } from './state/mock-state';
import type { MockStore } from './state/store';
import { decodeTaskId, encodeTaskId } from './task-id';
import { describeVm, newVm, summarizeVm } from './vm-records';

export const MOCK_CAPABILITIES: Capabilities = {
  reconfigureOnline: true,
  diskExpansionOnline: true,
  snapshots: true,
  memorySnapshots: true,
  linkedClones: true,
  imageImport: true,
  diskTypes: ['thin', 'thick', 'qcow2', 'raw'],
  networkTypes: ['bridge', 'network', 'portgroup'],
};

/** Waits like a slow hypervisor would, giving up with the call's abort reason. */
async function delay(ms: number, signal: AbortSignal): Promise<void> {
  try {
    await sleep(ms, undefined, { signal });
  } catch {
    throw signal.reason;
  }
}

type Change = Omit<Transition, 'op' | 'due' | 'error'>;

export class MockBackend implements HypervisorBackend {
  private readonly caps: Capabilities;

  constructor(
    private readonly store: MockStore,
    private readonly taskLatencyMs: number,
    disabled: readonly OptionalFeature[] = [],
    /** The bound on calls in service at once; none: unbounded. */
    private readonly connection?: ConnectionLimit,
  ) {
    const off = new Set(disabled);
    this.caps = {
      ...MOCK_CAPABILITIES,
      snapshots: !off.has('snapshots'),
      memorySnapshots: !off.has('snapshots') && !off.has('memorySnapshots'),
      linkedClones: !off.has('clone') && !off.has('linkedClones'),
      imageImport: !off.has('imageImport'),
    };
    // A hypervisor without the feature has no such method at all (the runtime answers UNIMPLEMENTED).
    if (off.has('clone')) this.clone = undefined;
    if (off.has('hardwareUpgrade')) this.hardwareUpgrade = undefined;
  }

  /** Changes the hypervisor's faults (shared with other replicas when the state is). */
  setFaults(faults: Faults): Promise<void> {
    return this.store.setFaults(faults);
  }

  capabilities(): Capabilities {
    return this.caps;
  }

  async validate(ctx: CallContext): Promise<void> {
    await this.hypervisorCall(ctx);
  }

  async create(ctx: CallContext, input: CreateInput): Promise<CreateResult> {
    if (!input.image.source.mock) {
      throw invalidArgument('image_json.source.mock', 'is required by the mock provider');
    }
    const errorRate = await this.hypervisorCall(ctx);
    const vm = await this.store.addVm(input.name, input.owner, (id) =>
      this.provisioning(newVm(id, input, Date.now()), 'create', errorRate),
    );
    return { id: vm.id, task: this.taskOf(vm) };
  }

  async delete(ctx: CallContext, id: string, owner?: Owner): Promise<Operation> {
    const errorRate = await this.hypervisorCall(ctx);
    return this.store.updateVm(id, (vm) => {
      if (!vm) return {};
      if (owner && vm.owner.uid !== owner.uid) {
        throw failedPrecondition(`VM ${id} belongs to owner ${vm.owner.uid}, not ${owner.uid}`);
      }
      if (vm.pending?.op === 'delete') return { task: this.taskOf(vm) };
      return this.transition(vm, 'delete', { deleted: true }, errorRate, { supersede: true });
    });
  }

  async power(ctx: CallContext, id: string, op: PowerOperation): Promise<Operation> {
    const errorRate = await this.hypervisorCall(ctx);
    return this.mutateVm(id, (vm) => {
      if (op === 'reboot') {
        if (vm.powerState === 'Off')
          throw failedPrecondition(`VM ${id} is powered off; reboot needs it on`);
        return this.transition(vm, 'reboot', { powerState: 'On' }, errorRate);
      }
      const target = op === 'on' ? 'On' : 'Off';
      if (vm.powerState === target) return {};
      return this.transition(vm, op, { powerState: target }, errorRate);
    });
  }

  async reconfigure(ctx: CallContext, id: string, desired: DesiredState): Promise<Operation> {
    const errorRate = await this.hypervisorCall(ctx);
    return this.mutateVm(id, (vm) => {
      for (const disk of desired.disks) {
        const current = vm.hardware.disks.find((d) => d.name === disk.name);
        if (current && disk.sizeGiB < current.sizeGiB) {
          throw failedPrecondition(
            `disk ${disk.name} cannot shrink from ${current.sizeGiB} GiB to ${disk.sizeGiB} GiB`,
          );
        }
      }
      return this.transition(
        vm,
        'reconfigure',
        { hardware: { class: desired.class, disks: desired.disks } },
        errorRate,
      );
    });
  }

  async hardwareUpgrade?(ctx: CallContext, id: string, targetVersion: number): Promise<Operation> {
    const errorRate = await this.hypervisorCall(ctx);
    return this.mutateVm(id, (vm) => {
      if (targetVersion < vm.hardwareVersion) {
        throw failedPrecondition(
          `VM ${id} is at hardware version ${vm.hardwareVersion}; downgrades are impossible`,
        );
      }
      if (targetVersion === vm.hardwareVersion) return {};
      if (vm.powerState === 'On')
        throw failedPrecondition(`VM ${id} must be powered off for a hardware upgrade`);
      return this.transition(vm, 'hardware-upgrade', { hardwareVersion: targetVersion }, errorRate);
    });
  }

  async describe(ctx: CallContext, id: string): Promise<Description | undefined> {
    await this.hypervisorCall(ctx);
    const vm = await this.store.vm(id);
    return vm && describeVm(vm);
  }

  async taskStatus(ctx: CallContext, task: string): Promise<TaskState> {
    const info = decodeTaskId(task);
    await this.hypervisorCall(ctx);
    if (Date.now() < info.due) return { done: false };
    return info.error ? { done: true, error: info.error } : { done: true };
  }

  async listVMs(ctx: CallContext): Promise<VMSummary[]> {
    await this.hypervisorCall(ctx);
    return (await this.store.vms()).map(summarizeVm);
  }

  async snapshotCreate(
    ctx: CallContext,
    input: SnapshotInput,
  ): Promise<Operation & { snapshotId: string }> {
    const errorRate = await this.hypervisorCall(ctx);
    return this.mutateVm(
      input.vmId,
      (vm) => {
        const name = input.nameHint || 'snapshot';
        // A snapshot is keyed by its name, as on libvirt and Proxmox: a retried create (after a lost
        // answer or a restarted caller) gets the first one, still pending or done, not a second.
        const pending = vm.pending?.op === 'snapshot-create' ? vm.pending.snapshots : undefined;
        const existing = (pending ?? vm.snapshots).find((s) => s.name === name);
        if (existing) return { ...(pending && { task: this.taskOf(vm) }), snapshotId: existing.id };
        vm.snapshotsTaken += 1;
        const snapshot = {
          // Unique per VM (snapshots are addressed with their VM); the VM id makes them unique overall.
          id: `snap-${vm.id.slice('vm-'.length)}-${vm.snapshotsTaken}`,
          name,
          description: input.description,
          includeMemory: input.includeMemory,
          createdAt: Date.now(),
          hardware: vm.hardware,
          powerState: vm.powerState,
        };
        const op = this.transition(
          vm,
          'snapshot-create',
          { snapshots: [...vm.snapshots, snapshot] },
          errorRate,
        );
        return { ...op, snapshotId: snapshot.id };
      },
      { whileBusy: true },
    );
  }

  async snapshotRevert(ctx: CallContext, vmId: string, snapshotId: string): Promise<Operation> {
    const errorRate = await this.hypervisorCall(ctx);
    return this.mutateVm(vmId, (vm) => {
      const snapshot = vm.snapshots.find((s) => s.id === snapshotId);
      if (!snapshot) throw notFound(`VM ${vmId} has no snapshot ${snapshotId}`);
      // Without memory the guest restarts from disk only: the VM comes back powered off.
      const powerState = snapshot.includeMemory ? snapshot.powerState : 'Off';
      return this.transition(
        vm,
        'snapshot-revert',
        { hardware: snapshot.hardware, powerState },
        errorRate,
      );
    });
  }

  async snapshotDelete(ctx: CallContext, vmId: string, snapshotId: string): Promise<Operation> {
    const errorRate = await this.hypervisorCall(ctx);
    return this.store.updateVm(vmId, (vm) => {
      if (!vm || !vm.snapshots.some((s) => s.id === snapshotId)) return {};
      this.ensureIdle(vm);
      const snapshots = vm.snapshots.filter((s) => s.id !== snapshotId);
      return this.transition(vm, 'snapshot-delete', { snapshots }, errorRate);
    });
  }

  async clone?(ctx: CallContext, input: CloneInput): Promise<Operation & { targetVmId: string }> {
    const errorRate = await this.hypervisorCall(ctx);
    const source = await this.store.vm(input.sourceVmId);
    if (!source) throw notFound(`source VM ${input.sourceVmId} does not exist`);
    const owner = input.target ?? {
      uid: `clone-of-${source.id}-${input.targetName}`,
      namespace: '',
      name: input.targetName,
    };
    const vm = await this.store.addVm(input.targetName, owner, (id) => {
      const clone = newVm(
        id,
        {
          name: input.targetName,
          owner,
          image: source.image,
          class: input.class ?? source.hardware.class,
          disks: source.hardware.disks,
          // A clone gets NICs of its own: same networks, new MACs.
          networks: source.networks.map(({ mac: _mac, macAddress: _fixed, ...nic }) => nic),
          placement: { ...source.placement, ...input.placement },
          tags: source.tags,
        },
        Date.now(),
      );
      clone.linkedTo = input.linked ? source.id : undefined;
      return this.provisioning(clone, 'clone', errorRate);
    });
    return { targetVmId: vm.id, task: this.taskOf(vm) };
  }

  async imagePrepare?(ctx: CallContext, input: ImagePrepareInput) {
    await this.hypervisorCall(ctx);
    if (!input.image.source.mock)
      throw invalidArgument('image_json.source.mock', 'is required by the mock provider');
    const due = Date.now() + this.taskLatencyMs;
    return {
      task: encodeTaskId({ vm: '', op: 'image-prepare', due }),
      preparedImageId: `mock-image-${input.targetName}`,
      preparedImagePath: `/mock/images/${input.storageHint || 'default'}/${input.targetName}.qcow2`,
    };
  }

  /**
   * The call on the connection to the hypervisor: waits for a request slot, then applies the
   * faults (latency, down, dropped calls). Returns the error rate for tasks the call may start.
   */
  private hypervisorCall(ctx: CallContext): Promise<number> {
    // Unbounded, there is no slot to wait for, and no reason to make the call's abort signal.
    if (!this.connection) return this.atHypervisor(ctx);
    return this.connection.run(ctx.signal, () => this.atHypervisor(ctx));
  }

  private async atHypervisor(ctx: CallContext): Promise<number> {
    const faults = await this.store.faults();
    if (faults.callLatencyMs) await delay(faults.callLatencyMs, ctx.signal);
    if (faults.down) throw unavailable('the mock hypervisor is down');
    const errorRate = faults.errorRate ?? 0;
    if (errorRate > 0 && Math.random() < errorRate)
      throw unavailable('the mock hypervisor dropped the call (injected fault)');
    return errorRate;
  }

  /** `whileBusy`: `change` may see a VM mid-transition (transition() still refuses a second). */
  private mutateVm<T>(
    id: string,
    change: (vm: MockVM) => T,
    { whileBusy = false } = {},
  ): Promise<T> {
    return this.store.updateVm(id, (vm) => {
      if (!vm) throw notFound(`VM ${id} does not exist`);
      if (!whileBusy) this.ensureIdle(vm);
      return change(vm);
    });
  }

  private ensureIdle(vm: MockVM): void {
    if (vm.pending) {
      throw failedPrecondition(
        `VM ${vm.id} is busy with ${vm.pending.op} for another ${vm.pending.due - Date.now()} ms`,
      );
    }
  }

  private taskOf(vm: MockVM): string | undefined {
    const p = vm.pending;
    return (
      p && encodeTaskId({ vm: vm.id, op: p.op, due: p.due, ...(p.error && { error: p.error }) })
    );
  }

  private failure(op: string, errorRate: number): string | undefined {
    return errorRate > 0 && Math.random() < errorRate
      ? `${op} failed on the mock hypervisor (injected fault)`
      : undefined;
  }

  /** A new VM, provisioning: a failed one disappears when its task is done. */
  private provisioning(vm: MockVM, op: string, errorRate: number): MockVM {
    const error = this.failure(op, errorRate);
    vm.pending = {
      op,
      due: Date.now() + this.taskLatencyMs,
      ...(error && { error, deleted: true }),
    };
    return vm;
  }

  private transition(
    vm: MockVM,
    op: string,
    change: Change,
    errorRate: number,
    opts: { supersede?: boolean } = {},
  ): Operation {
    if (!opts.supersede) this.ensureIdle(vm);
    const error = this.failure(op, errorRate);
    // A failed delete leaves the VM where it was.
    const effect = error && change.deleted ? {} : change;
    vm.pending = { op, due: Date.now() + this.taskLatencyMs, ...effect, ...(error && { error }) };
    return { task: this.taskOf(vm) };
  }
}

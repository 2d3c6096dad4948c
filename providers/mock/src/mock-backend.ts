// An in-memory hypervisor with the semantics of the real ones: VMs keyed by owner uid, name
// conflicts, asynchronous transitions (power, reconfigure, snapshots, clones, delete) that become
// visible when their task is done, an IP after power-on, and injectable faults. Documented as a
// mock: it stands in for a hypervisor only where none can run.
import { setTimeout as sleep } from 'node:timers/promises';
import {
  alreadyExists,
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
import type { Faults } from './faults';
import type { OptionalFeature } from './mock-options';
import {
  settle,
  settleAll,
  type MockState,
  type MockVM,
  type Transition,
} from './state/mock-state';
import type { MockStore } from './state/store';
import { decodeTaskId, encodeTaskId } from './task-id';
import { allocateId, describeVm, newVm, summarizeVm } from './vm-records';

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
    return this.store.update((state) => {
      const live = settleAll(state, Date.now());
      const existing = this.ownedOrConflict(live, input.name, input.owner);
      if (existing) return { id: existing.id, task: this.taskOf(existing) };
      const vm = newVm(allocateId(state), input, Date.now());
      state.vms[vm.id] = vm;
      return { id: vm.id, ...this.startProvisioning(vm, 'create', errorRate) };
    });
  }

  async delete(ctx: CallContext, id: string, owner?: Owner): Promise<Operation> {
    const errorRate = await this.hypervisorCall(ctx);
    return this.store.update((state) => {
      settleAll(state, Date.now());
      const vm = state.vms[id];
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
    return this.store.read((state) => {
      const vm = state.vms[id] && settle(state.vms[id], Date.now());
      return vm && describeVm(vm);
    });
  }

  async taskStatus(ctx: CallContext, task: string): Promise<TaskState> {
    const info = decodeTaskId(task);
    await this.hypervisorCall(ctx);
    if (Date.now() < info.due) return { done: false };
    return info.error ? { done: true, error: info.error } : { done: true };
  }

  async listVMs(ctx: CallContext): Promise<VMSummary[]> {
    await this.hypervisorCall(ctx);
    return this.store.read((state) =>
      Object.values(state.vms)
        .map((vm) => settle(vm, Date.now()))
        .filter((vm): vm is MockVM => vm !== undefined)
        .map(summarizeVm),
    );
  }

  async snapshotCreate(
    ctx: CallContext,
    input: SnapshotInput,
  ): Promise<Operation & { snapshotId: string }> {
    const errorRate = await this.hypervisorCall(ctx);
    return this.mutateVm(
      input.vmId,
      (vm, state) => {
        const name = input.nameHint || 'snapshot';
        // A snapshot is keyed by its name, as on libvirt and Proxmox: a retried create (after a lost
        // answer or a restarted caller) gets the first one, still pending or done, not a second.
        const pending = vm.pending?.op === 'snapshot-create' ? vm.pending.snapshots : undefined;
        const existing = (pending ?? vm.snapshots).find((s) => s.name === name);
        if (existing) return { ...(pending && { task: this.taskOf(vm) }), snapshotId: existing.id };
        const snapshot = {
          id: `snap-${String(state.nextId++).padStart(6, '0')}`,
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
    return this.store.update((state) => {
      settleAll(state, Date.now());
      const vm = state.vms[vmId];
      if (!vm || !vm.snapshots.some((s) => s.id === snapshotId)) return {};
      this.ensureIdle(vm);
      const snapshots = vm.snapshots.filter((s) => s.id !== snapshotId);
      return this.transition(vm, 'snapshot-delete', { snapshots }, errorRate);
    });
  }

  async clone?(ctx: CallContext, input: CloneInput): Promise<Operation & { targetVmId: string }> {
    const errorRate = await this.hypervisorCall(ctx);
    return this.store.update((state) => {
      const live = settleAll(state, Date.now());
      const source = state.vms[input.sourceVmId];
      if (!source) throw notFound(`source VM ${input.sourceVmId} does not exist`);
      const owner = input.target ?? {
        uid: `clone-of-${source.id}-${input.targetName}`,
        namespace: '',
        name: input.targetName,
      };
      const existing = this.ownedOrConflict(live, input.targetName, owner);
      if (existing) return { targetVmId: existing.id, task: this.taskOf(existing) };
      const id = allocateId(state);
      const vm = newVm(
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
      vm.linkedTo = input.linked ? source.id : undefined;
      state.vms[id] = vm;
      return { targetVmId: id, ...this.startProvisioning(vm, 'clone', errorRate) };
    });
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

  /** Applies the faults; returns the error rate for tasks the call may start. */
  private async hypervisorCall(ctx: CallContext): Promise<number> {
    const faults = await this.store.faults();
    if (faults.callLatencyMs) await delay(faults.callLatencyMs, ctx.signal);
    if (faults.down) throw unavailable('the mock hypervisor is down');
    const errorRate = faults.errorRate ?? 0;
    if (errorRate > 0 && Math.random() < errorRate)
      throw unavailable('the mock hypervisor dropped the call (injected fault)');
    return errorRate;
  }

  /** The caller's existing VM, or ALREADY_EXISTS when another owner has one of that name. */
  private ownedOrConflict(live: MockVM[], name: string, owner: Owner): MockVM | undefined {
    const owned = live.find((vm) => vm.owner.uid === owner.uid);
    if (owned) return owned;
    const clash = live.find((vm) => vm.name === name);
    if (clash)
      throw alreadyExists(`VM name ${name} is taken by owner ${clash.owner.uid} (VM ${clash.id})`);
    return undefined;
  }

  /** `whileBusy`: `change` may see a VM mid-transition (transition() still refuses a second). */
  private mutateVm<T>(
    id: string,
    change: (vm: MockVM, state: MockState) => T,
    { whileBusy = false } = {},
  ): Promise<T> {
    return this.store.update((state) => {
      settleAll(state, Date.now());
      const vm = state.vms[id];
      if (!vm) throw notFound(`VM ${id} does not exist`);
      if (!whileBusy) this.ensureIdle(vm);
      return change(vm, state);
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

  /** A new VM's provisioning: a failed one disappears when its task is done. */
  private startProvisioning(vm: MockVM, op: string, errorRate: number): Operation {
    const error = this.failure(op, errorRate);
    vm.pending = {
      op,
      due: Date.now() + this.taskLatencyMs,
      ...(error && { error, deleted: true }),
    };
    return { task: this.taskOf(vm) };
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

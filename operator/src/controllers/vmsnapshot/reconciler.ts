// VMSnapshot controller: takes the snapshot (SnapshotCreate), reverts the VM to it when the
// revert annotation changes, and deletes it on the hypervisor before the object goes away.
import type {
  EventRecorder,
  Informer,
  KubeClient,
  KubeObject,
  ObjectKey,
  WriteExpectations,
} from '@virtrigaud/kube';
import { Resources } from '@virtrigaud/api';
import type { VMSnapshot, VMSnapshotSpec } from '@virtrigaud/api';
import type { ProviderCall } from '../../grpc/provider-gateway';
import {
  TerminalError,
  type ReconcileContext,
  type ReconcileResult,
  type Reconciler,
} from '../../runtime/controller';
import { addFinalizer, hasFinalizer, removeFinalizer } from '../object-writes';
import { CAPABILITY } from '../provider/capabilities';
import { report, type ReadyCondition } from '../report';
import { afterProviderError, vmWithProvider, type VMProviderDeps } from '../vm-provider';

/** Set to any new value to revert the VM to this snapshot; the controller echoes it when done. */
export const REVERT_ANNOTATION = 'infra.virtrigaud.io/revert';
export const REVERTED_ANNOTATION = 'infra.virtrigaud.io/reverted';

type Snapshot = VMSnapshot & KubeObject;

export interface SnapshotReconcilerDeps extends VMProviderDeps {
  client: KubeClient;
  recorder: EventRecorder;
  snapshots: Informer<Snapshot>;
  /** Our own writes the cache has not shown yet: acting before would take the snapshot twice. */
  expectations: WriteExpectations;
  taskPollMs: number;
}

export class VMSnapshotReconciler implements Reconciler {
  constructor(private readonly deps: SnapshotReconcilerDeps) {}

  async reconcile(request: ObjectKey, ctx: ReconcileContext): Promise<ReconcileResult | void> {
    const snapshot = this.deps.snapshots.get(request.namespace, request.name);
    if (!snapshot) {
      this.deps.expectations.forget(`${request.namespace}/${request.name}`);
      return;
    }
    // The watch event of our last write enqueues this key again; until then the copy is stale.
    if (!this.deps.expectations.isSatisfied(snapshot)) return { requeueAfterMs: 1_000 };
    try {
      return snapshot.metadata.deletionTimestamp
        ? await this.finalize(snapshot, ctx)
        : await this.ensure(snapshot, ctx);
    } catch (err) {
      return afterProviderError(err, (rejected) =>
        this.report(snapshot, { ...snapshot.status, phase: 'Failed' }, rejected, true),
      );
    }
  }

  private async ensure(snapshot: Snapshot, ctx: ReconcileContext): Promise<ReconcileResult | void> {
    const { spec } = snapshot;
    const target = await vmWithProvider(
      this.deps,
      snapshot.metadata.namespace!,
      spec.vmRef.name,
      'spec.vmRef.name',
      ctx.correlationId,
    );
    if (!target.ok) {
      await this.report(
        snapshot,
        {
          ...snapshot.status,
          phase: snapshot.status?.snapshotId ? snapshot.status.phase : 'Pending',
        },
        target.blocked,
        target.blocked.reason === 'VMNotFound',
      );
      return;
    }
    const unsupported = missingCapability(target.provider.status?.capabilities ?? [], spec);
    if (unsupported) {
      await this.report(snapshot, { ...snapshot.status, phase: 'Failed' }, unsupported, true);
      return;
    }
    snapshot = this.expect(
      snapshot,
      await addFinalizer(this.deps.client, Resources.VMSnapshot, snapshot),
    );
    const status = { ...snapshot.status };
    const vmId = target.vm.status!.id!;
    if (status.lastTaskRef) {
      const task = await target.call('taskStatus', { task: { id: status.lastTaskRef } });
      if (!task.done) return { requeueAfterMs: this.deps.taskPollMs };
      if (task.error) {
        await this.report(
          snapshot,
          {
            ...status,
            lastTaskRef: undefined,
            phase: status.phase === 'Creating' ? 'Failed' : status.phase,
          },
          { status: 'False', reason: 'TaskFailed', message: task.error },
          true,
        );
        throw new TerminalError(`the provider task failed: ${task.error}`);
      }
      status.lastTaskRef = undefined;
      if (status.phase === 'Creating') {
        status.phase = 'Ready';
        status.creationTime = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
        this.deps.recorder.record(
          snapshot,
          'Normal',
          'SnapshotReady',
          `snapshot "${status.snapshotId}" of VM "${spec.vmRef.name}" is ready`,
        );
      } else {
        await this.markReverted(snapshot);
        return this.settle(snapshot, status);
      }
    }
    if (!status.snapshotId) {
      const created = await target.call('snapshotCreate', {
        vmId,
        nameHint: spec.nameHint ?? snapshot.metadata.name!,
        includeMemory: spec.includeMemory ?? false,
        description: spec.description ?? '',
        targetHostId: '',
      });
      this.deps.recorder.record(
        snapshot,
        'Normal',
        'SnapshotCreating',
        `creating snapshot of VM "${spec.vmRef.name}"`,
      );
      return this.startTask(
        snapshot,
        { ...status, snapshotId: created.snapshotId, phase: 'Creating' },
        created.task?.id,
        'Creating',
      );
    }
    const revert = snapshot.metadata.annotations?.[REVERT_ANNOTATION];
    if (
      revert &&
      revert !== snapshot.metadata.annotations?.[REVERTED_ANNOTATION] &&
      status.phase === 'Ready'
    ) {
      const task = await target.call('snapshotRevert', {
        vmId,
        snapshotId: status.snapshotId,
        targetHostId: '',
      });
      this.deps.recorder.record(
        snapshot,
        'Normal',
        'Reverting',
        `reverting VM "${spec.vmRef.name}" to snapshot "${status.snapshotId}"`,
      );
      if (task.task?.id) return this.startTask(snapshot, status, task.task.id, 'Reverting');
      await this.markReverted(snapshot);
    }
    return this.settle(snapshot, status);
  }

  private async settle(snapshot: Snapshot, status: NonNullable<Snapshot['status']>): Promise<void> {
    await this.report(
      snapshot,
      { ...status, observedGeneration: snapshot.metadata.generation },
      { status: 'True', reason: 'Ready', message: `snapshot "${status.snapshotId}" exists` },
    );
  }

  private async startTask(
    snapshot: Snapshot,
    status: NonNullable<Snapshot['status']>,
    taskId: string | undefined,
    reason: string,
  ): Promise<ReconcileResult> {
    await this.report(
      snapshot,
      { ...status, lastTaskRef: taskId || undefined },
      { status: 'False', reason, message: `${reason.toLowerCase()} on the provider` },
    );
    return { requeueAfterMs: taskId ? this.deps.taskPollMs : 0 };
  }

  private async markReverted(snapshot: Snapshot): Promise<void> {
    const token = snapshot.metadata.annotations?.[REVERT_ANNOTATION];
    const patched = await this.deps.client.patch<Snapshot>(
      Resources.VMSnapshot,
      snapshot.metadata.namespace!,
      snapshot.metadata.name!,
      {
        metadata: { annotations: { [REVERTED_ANNOTATION]: token } },
      },
    );
    this.expect(snapshot, patched);
    this.deps.recorder.record(
      snapshot,
      'Normal',
      'Reverted',
      `VM "${snapshot.spec.vmRef.name}" reverted to this snapshot`,
    );
  }

  private async finalize(
    snapshot: Snapshot,
    ctx: ReconcileContext,
  ): Promise<ReconcileResult | void> {
    if (!hasFinalizer(snapshot)) return;
    const status = snapshot.status ?? {};
    const vm = this.deps.vms.get(snapshot.metadata.namespace!, snapshot.spec.vmRef.name);
    // Without a snapshot id or a VM, there is nothing left on the hypervisor.
    if (!status.snapshotId || !vm) {
      await removeFinalizer(this.deps.client, Resources.VMSnapshot, snapshot);
      return;
    }
    const target = await vmWithProvider(
      this.deps,
      snapshot.metadata.namespace!,
      snapshot.spec.vmRef.name,
      'spec.vmRef.name',
      ctx.correlationId,
    );
    if (!target.ok) throw new TerminalError(target.blocked.message);
    if (status.lastTaskRef && status.phase === 'Deleting') {
      return this.finishDelete(snapshot, target.call, status.lastTaskRef);
    }
    const task = await target.call('snapshotDelete', {
      vmId: vm.status!.id!,
      snapshotId: status.snapshotId,
      targetHostId: '',
    });
    if (!task.task?.id) {
      await removeFinalizer(this.deps.client, Resources.VMSnapshot, snapshot);
      return;
    }
    return this.startTask(snapshot, { ...status, phase: 'Deleting' }, task.task.id, 'Deleting');
  }

  private async finishDelete(
    snapshot: Snapshot,
    call: ProviderCall,
    taskId: string,
  ): Promise<ReconcileResult | void> {
    const task = await call('taskStatus', { task: { id: taskId } });
    if (!task.done) return { requeueAfterMs: this.deps.taskPollMs };
    if (task.error) {
      await this.report(
        snapshot,
        { ...snapshot.status, lastTaskRef: undefined },
        { status: 'False', reason: 'DeleteFailed', message: task.error },
        true,
      );
      throw new TerminalError(`deleting the snapshot failed: ${task.error}`);
    }
    this.deps.recorder.record(
      snapshot,
      'Normal',
      'Deleted',
      `snapshot "${snapshot.status?.snapshotId}" deleted`,
    );
    await removeFinalizer(this.deps.client, Resources.VMSnapshot, snapshot);
  }

  private async report(
    snapshot: Snapshot,
    status: object,
    ready: ReadyCondition,
    warn = false,
  ): Promise<Snapshot> {
    const written = await report(this.deps, Resources.VMSnapshot, snapshot, status, ready, warn);
    return this.expect(snapshot, written);
  }

  private expect(before: Snapshot, after: Snapshot): Snapshot {
    if (after !== before) this.deps.expectations.expect(after);
    return after;
  }
}

function missingCapability(
  capabilities: string[],
  spec: VMSnapshotSpec,
): ReadyCondition | undefined {
  if (!capabilities.includes(CAPABILITY.snapshots)) {
    return {
      status: 'False',
      reason: 'SnapshotsNotSupported',
      message: 'the Provider of this VM does not support snapshots',
    };
  }
  if (spec.includeMemory && !capabilities.includes(CAPABILITY.memorySnapshots)) {
    return {
      status: 'False',
      reason: 'MemorySnapshotsNotSupported',
      message:
        'spec.includeMemory: the Provider of this VM cannot snapshot memory; set it to false',
    };
  }
  return undefined;
}

// VMClone controller. The clone becomes an ordinary VirtualMachine: the controller first creates
// the target VirtualMachine object (marked clone-pending, so the VM controller does not create it
// from its image), then calls Clone with that object's uid as the owner of the new VM. When the
// clone task is done it clears the mark; the VM controller's Create — idempotent by owner uid —
// then finds the cloned VM instead of making another one.
import {
  type EventRecorder,
  type Informer,
  isAlreadyExists,
  type KubeClient,
  type KubeObject,
  type ObjectKey,
  type WriteExpectations,
} from '@virtrigaud/kube';
import { Resources } from '@virtrigaud/api';
import type { VirtualMachine, VMClass, VMClone, VMSnapshot } from '@virtrigaud/api';
import {
  TerminalError,
  type ReconcileContext,
  type ReconcileResult,
  type Reconciler,
} from '../../runtime/controller';
import { CAPABILITY } from '../provider/capabilities';
import { report, type ReadyCondition } from '../report';
import { afterProviderError, vmWithProvider, type VMProviderDeps } from '../vm-provider';
import { CLONE_PENDING_ANNOTATION } from './annotations';
import type { VM } from '../virtualmachine/reconciler';

type Clone = VMClone & KubeObject;
type CloneStatus = NonNullable<Clone['status']>;

export interface CloneReconcilerDeps extends VMProviderDeps {
  client: KubeClient;
  recorder: EventRecorder;
  clones: Informer<Clone>;
  /** Our own writes the cache has not shown yet: acting before would call Clone again. */
  expectations: WriteExpectations;
  classes: Informer<VMClass & KubeObject>;
  snapshots: Informer<VMSnapshot & KubeObject>;
  taskPollMs: number;
}

export class VMCloneReconciler implements Reconciler {
  constructor(private readonly deps: CloneReconcilerDeps) {}

  async reconcile(request: ObjectKey, ctx: ReconcileContext): Promise<ReconcileResult | void> {
    const clone = this.deps.clones.get(request.namespace, request.name);
    if (!clone || clone.metadata.deletionTimestamp) {
      this.deps.expectations.forget(`${request.namespace}/${request.name}`);
      return;
    }
    // The watch event of our last write enqueues this key again; until then the copy is stale.
    if (!this.deps.expectations.isSatisfied(clone)) return { requeueAfterMs: 1_000 };
    if (clone.status?.phase === 'Ready' && !clone.status.lastTaskRef) return;
    try {
      return await this.ensure(clone, ctx);
    } catch (err) {
      return afterProviderError(err, (rejected) =>
        this.report(clone, { ...clone.status, phase: 'Failed' }, rejected, true),
      );
    }
  }

  private async ensure(clone: Clone, ctx: ReconcileContext): Promise<ReconcileResult | void> {
    const namespace = clone.metadata.namespace!;
    const { spec } = clone;
    const source = await vmWithProvider(
      this.deps,
      namespace,
      spec.sourceRef.name,
      'spec.sourceRef.name',
      ctx.correlationId,
    );
    if (!source.ok) {
      await this.report(
        clone,
        { ...clone.status, phase: 'Pending' },
        source.blocked,
        source.blocked.reason === 'VMNotFound',
      );
      return;
    }
    if (spec.linked && !source.provider.status?.capabilities?.includes(CAPABILITY.linkedClones)) {
      await this.report(
        clone,
        { ...clone.status, phase: 'Failed' },
        {
          status: 'False',
          reason: 'LinkedClonesNotSupported',
          message:
            'spec.linked: the Provider of the source VM cannot make linked clones; set it to false',
        },
        true,
      );
      return;
    }
    const snapshotId = spec.snapshotRef
      ? this.deps.snapshots.get(namespace, spec.snapshotRef.name)?.status?.snapshotId
      : undefined;
    if (spec.snapshotRef && !snapshotId) {
      await this.report(
        clone,
        { ...clone.status, phase: 'Pending' },
        {
          status: 'False',
          reason: 'SnapshotNotReady',
          message: `spec.snapshotRef.name: VMSnapshot "${spec.snapshotRef.name}" not found or not taken yet`,
        },
      );
      return;
    }
    const target = await this.targetVM(clone, source.vm);
    if (!target) {
      await this.report(
        clone,
        { ...clone.status, phase: 'Failed' },
        {
          status: 'False',
          reason: 'TargetExists',
          message: `spec.target.name: a VirtualMachine "${spec.target.name}" already exists and was not created by this clone; choose another name`,
        },
        true,
      );
      return;
    }
    const status: CloneStatus = { ...clone.status };
    if (status.lastTaskRef) {
      const task = await source.call('taskStatus', { task: { id: status.lastTaskRef } });
      if (!task.done) return { requeueAfterMs: this.deps.taskPollMs };
      if (task.error) {
        await this.report(
          clone,
          { ...status, lastTaskRef: undefined, phase: 'Failed' },
          { status: 'False', reason: 'TaskFailed', message: task.error },
          true,
        );
        throw new TerminalError(`the provider task failed: ${task.error}`);
      }
      return this.complete(clone, { ...status, lastTaskRef: undefined }, target);
    }
    const targetClass = spec.target.classRef
      ? this.deps.classes.get(namespace, spec.target.classRef.name)
      : undefined;
    const response = await source.call('clone', {
      sourceVmId: source.vm.status!.id!,
      targetName: `${namespace}.${spec.target.name}`,
      linked: spec.linked ?? false,
      classJson: targetClass ? JSON.stringify(targetClass.spec) : '',
      placementJson: JSON.stringify(target.spec.placement ?? {}),
      customizeJson: JSON.stringify({
        ...(spec.customization ?? {}),
        ...(snapshotId ? { snapshotId } : {}),
      }),
      sourceHostId: source.vm.spec.placement?.host ?? '',
      targetVm: { uid: target.metadata.uid!, namespace, name: target.metadata.name! },
    });
    this.deps.recorder.record(
      clone,
      'Normal',
      'Cloning',
      `cloning VM "${spec.sourceRef.name}" to "${spec.target.name}"`,
    );
    const next = { ...status, phase: 'Cloning' as const, targetVMId: response.targetVmId };
    if (!response.task?.id) return this.complete(clone, next, target);
    await this.report(
      clone,
      { ...next, lastTaskRef: response.task.id },
      { status: 'False', reason: 'Cloning', message: 'cloning on the provider' },
    );
    return { requeueAfterMs: this.deps.taskPollMs };
  }

  /** The target VirtualMachine, created from the source's spec; undefined if the name is taken. */
  private async targetVM(clone: Clone, source: VM): Promise<VM | undefined> {
    const namespace = clone.metadata.namespace!;
    const name = clone.spec.target.name;
    const existing =
      this.deps.vms.get(namespace, name) ??
      (await this.deps.client.get<VM>(Resources.VirtualMachine, namespace, name));
    if (existing) {
      return existing.metadata.annotations?.[CLONE_PENDING_ANNOTATION] === clone.metadata.name ||
        (clone.status?.targetVMId && existing.status?.id === clone.status.targetVMId)
        ? existing
        : undefined;
    }
    const vm: VirtualMachine = {
      apiVersion: source.apiVersion,
      kind: 'VirtualMachine',
      metadata: {
        name,
        namespace,
        annotations: { [CLONE_PENDING_ANNOTATION]: clone.metadata.name! },
      },
      spec: {
        ...source.spec,
        classRef: clone.spec.target.classRef ?? source.spec.classRef,
        placement: clone.spec.target.placement ?? source.spec.placement,
      },
    };
    try {
      return await this.deps.client.create(Resources.VirtualMachine, vm as VM);
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
      return this.targetVM(clone, source);
    }
  }

  private async complete(clone: Clone, status: CloneStatus, target: VM): Promise<void> {
    await this.deps.client.patch(
      Resources.VirtualMachine,
      target.metadata.namespace!,
      target.metadata.name!,
      {
        metadata: { annotations: { [CLONE_PENDING_ANNOTATION]: null } },
      },
    );
    this.deps.recorder.record(
      clone,
      'Normal',
      'Cloned',
      `VM "${clone.spec.target.name}" (${status.targetVMId}) cloned from "${clone.spec.sourceRef.name}"`,
    );
    await this.report(
      clone,
      { ...status, phase: 'Ready', observedGeneration: clone.metadata.generation },
      {
        status: 'True',
        reason: 'Cloned',
        message: `VirtualMachine "${clone.spec.target.name}" is the clone`,
      },
    );
  }

  private async report(
    clone: Clone,
    status: object,
    ready: ReadyCondition,
    warn = false,
  ): Promise<Clone> {
    const written = await report(this.deps, Resources.VMClone, clone, status, ready, warn);
    if (written !== clone) this.deps.expectations.expect(written);
    return written;
  }
}

// VMSet controller: N VirtualMachines from one template, like a ReplicaSet. Members are named
// <set>-<ordinal>, so creating one is idempotent (a retry after a lost answer gets AlreadyExists,
// never a second VM); scale-down deletes the highest ordinals first. Template changes reach
// members per spec.updateStrategy: RollingUpdate patches one member at a time and waits until it
// is Running again, Recreate deletes outdated members (they come back from the new template),
// OnDelete leaves them until the user deletes them.
import {
  type EventRecorder,
  type Informer,
  isAlreadyExists,
  type KubeClient,
  type KubeObject,
  type ObjectKey,
} from '@virtrigaud/kube';
import { Resources } from '@virtrigaud/api';
import { createHash } from 'node:crypto';
import type { VMSet, VirtualMachine } from '@virtrigaud/api';
import type { ReconcileContext, ReconcileResult, Reconciler } from '../../runtime/controller';
import { controllerReference } from '../owner-reference';
import { report } from '../report';
import type { VM } from '../virtualmachine/reconciler';

export const TEMPLATE_HASH_ANNOTATION = 'infra.virtrigaud.io/template-hash';
export const SET_INDEX = 'vmset';

type Set = VMSet & KubeObject;

export interface VMSetReconcilerDeps {
  client: KubeClient;
  recorder: EventRecorder;
  sets: Informer<Set>;
  /** VMs indexed by SET_INDEX = "<namespace>/<owning set name>". */
  vms: Informer<VM>;
}

/** SET_INDEX values of a VM: its controlling VMSet. */
export function owningSet(vm: VM): string[] {
  const owner = vm.metadata.ownerReferences?.find((o) => o.kind === 'VMSet' && o.controller);
  return owner ? [`${vm.metadata.namespace}/${owner.name}`] : [];
}

export class VMSetReconciler implements Reconciler {
  constructor(private readonly deps: VMSetReconcilerDeps) {}

  async reconcile(request: ObjectKey, ctx: ReconcileContext): Promise<ReconcileResult | void> {
    const set = this.deps.sets.get(request.namespace, request.name);
    if (!set || set.metadata.deletionTimestamp) return;
    const members = this.deps.vms
      .byIndex(SET_INDEX, `${request.namespace}/${request.name}`)
      .filter((vm) => vm.metadata.ownerReferences?.some((o) => o.uid === set.metadata.uid));
    const live = members.filter((vm) => !vm.metadata.deletionTimestamp);
    const desired = set.spec.replicas ?? 1;
    const hash = templateHash(set);
    const byOrdinal = new Map(live.map((vm) => [ordinalOf(set, vm), vm]));
    for (let i = 0; i < desired; i++) {
      if (!byOrdinal.has(i)) await this.createMember(set, i, hash, ctx);
    }
    for (const [ordinal, vm] of byOrdinal) {
      if (ordinal >= desired || ordinal < 0) await this.deleteMember(set, vm, 'ScaledDown');
    }
    await this.rollOut(
      set,
      live.filter((vm) => ordinalOf(set, vm) < desired),
      hash,
    );
    const ready = live.filter((vm) => vm.status?.phase === 'Running').length;
    await report(
      this.deps,
      Resources.VMSet,
      set,
      {
        observedGeneration: set.metadata.generation,
        replicas: Math.min(live.length, desired),
        readyReplicas: ready,
      },
      ready >= desired
        ? { status: 'True', reason: 'AllReplicasReady', message: `${ready}/${desired} VMs running` }
        : {
            status: 'False',
            reason: 'ReplicasNotReady',
            message: `${ready}/${desired} VMs running`,
          },
    );
  }

  private async createMember(
    set: Set,
    ordinal: number,
    hash: string,
    ctx: ReconcileContext,
  ): Promise<void> {
    const template = set.spec.template;
    const vm: VirtualMachine = {
      apiVersion: set.apiVersion,
      kind: 'VirtualMachine',
      metadata: {
        name: `${set.metadata.name}-${ordinal}`,
        namespace: set.metadata.namespace,
        labels: template.metadata.labels,
        annotations: { ...template.metadata.annotations, [TEMPLATE_HASH_ANNOTATION]: hash },
        ownerReferences: [controllerReference(set, 'VMSet')],
      },
      spec: template.spec,
    };
    try {
      await this.deps.client.create(Resources.VirtualMachine, vm as VM);
      ctx.log.info({ vm: vm.metadata.name }, 'created VMSet member');
      this.deps.recorder.record(
        set,
        'Normal',
        'MemberCreated',
        `created VirtualMachine "${vm.metadata.name}"`,
      );
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
    }
  }

  private async deleteMember(set: Set, vm: VM, reason: string): Promise<void> {
    await this.deps.client.delete(
      Resources.VirtualMachine,
      vm.metadata.namespace!,
      vm.metadata.name!,
    );
    this.deps.recorder.record(
      set,
      'Normal',
      reason,
      `deleted VirtualMachine "${vm.metadata.name}"`,
    );
  }

  private async rollOut(set: Set, members: VM[], hash: string): Promise<void> {
    const strategy = set.spec.updateStrategy?.type ?? 'RollingUpdate';
    if (strategy === 'OnDelete') return;
    const outdated = members.filter(
      (vm) => vm.metadata.annotations?.[TEMPLATE_HASH_ANNOTATION] !== hash,
    );
    if (strategy === 'Recreate') {
      for (const vm of outdated) await this.deleteMember(set, vm, 'Recreated');
      return;
    }
    // RollingUpdate: one member at a time, only while every updated member is running.
    if (outdated.length === 0 || members.some((vm) => vm.status?.phase !== 'Running')) return;
    const next = outdated[0];
    const { providerRef: _p, imageRef: _i, ...mutable } = set.spec.template.spec;
    await this.deps.client.patch(
      Resources.VirtualMachine,
      next.metadata.namespace!,
      next.metadata.name!,
      {
        metadata: {
          resourceVersion: next.metadata.resourceVersion,
          annotations: { [TEMPLATE_HASH_ANNOTATION]: hash },
        },
        spec: mutable,
      },
    );
    this.deps.recorder.record(
      set,
      'Normal',
      'MemberUpdated',
      `applied the new template to VirtualMachine "${next.metadata.name}"`,
    );
  }
}

function ordinalOf(set: Set, vm: VM): number {
  const suffix = vm.metadata.name!.slice(set.metadata.name!.length + 1);
  return /^[0-9]+$/.test(suffix) ? Number(suffix) : -1;
}

function templateHash(set: Set): string {
  return createHash('sha256').update(JSON.stringify(set.spec.template)).digest('hex').slice(0, 16);
}

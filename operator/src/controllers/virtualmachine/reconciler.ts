// VirtualMachine controller: makes the VM exist on its Provider and keeps status in sync.
// One provider action per reconcile, decided from the current state (level-triggered) by the pure
// `decide` (decide.ts): in-flight task → poll it; no id → Create (idempotent by the VM uid); VM
// gone → create again; class/disks changed → Reconfigure (powering off first when the provider
// cannot do it online); power differs → Power; reboot requested (annotation) → Power(REBOOT);
// otherwise → write what Describe reports. This file performs the steps and deletion.
// The task in flight is stored in status.lastTaskRef before the reconcile ends, so a restarted
// manager resumes polling it instead of starting the operation again.
import type {
  EventRecorder,
  Informer,
  KubeClient,
  KubeObject,
  ObjectKey,
  WriteExpectations,
} from '@virtrigaud/kube';
import { Resources } from '@virtrigaud/api';
import {
  REBOOT_REQUESTED_ANNOTATION,
  type VirtualMachine,
  type VirtualMachineStatus,
} from '@virtrigaud/api';
import { PowerOp, type DescribeResponse } from '@virtrigaud/proto';
import { CircuitOpenError } from '../../grpc/circuit-breaker';
import { isProviderCallError, type ProviderCallError } from '../../grpc/errors';
import type { ProviderCall, ProviderGateway } from '../../grpc/provider-gateway';
import {
  TerminalError,
  type ReconcileContext,
  type ReconcileResult,
  type Reconciler,
} from '../../runtime/controller';
import { isConditionTrue, setCondition } from '../../runtime/conditions';
import { addFinalizer, hasFinalizer, removeFinalizer } from '../object-writes';
import { report, type ReadyCondition } from '../report';
import { CAPABILITY } from '../provider/capabilities';
import { CLONE_PENDING_ANNOTATION } from '../vmclone/annotations';
import type { ProviderEndpoints } from '../provider/endpoint';
import { createRequest, desiredJson, hardwareHash, owner, powerRequest } from './requests';
import { resolveReferences, type ReferenceCaches, type ResolvedVM } from './resolve';
import { decide, rebootRequest } from './decide';

export type VM = VirtualMachine & KubeObject;
type Status = VirtualMachineStatus;
type Call = ProviderCall;

export interface VMReconcilerDeps {
  client: KubeClient;
  vms: Informer<VM>;
  caches: ReferenceCaches;
  endpoints: ProviderEndpoints;
  gateway: ProviderGateway;
  recorder: EventRecorder;
  expectations: WriteExpectations;
  /** Describe a settled VM this often (IPs, power changes made outside Kubernetes). */
  resyncPeriodMs: number;
  taskPollBaseMs: number;
  taskPollMaxMs: number;
}

const READY = 'Ready';
/** Poll a task, Create, Describe, then one change: the most steps one reconcile takes. */
const MAX_STEPS = 4;

export class VirtualMachineReconciler implements Reconciler {
  private readonly polls = new Map<string, number>();

  constructor(private readonly deps: VMReconcilerDeps) {}

  async reconcile(request: ObjectKey, ctx: ReconcileContext): Promise<ReconcileResult | void> {
    const key = `${request.namespace}/${request.name}`;
    const vm = this.deps.vms.get(request.namespace, request.name);
    if (!vm) {
      this.polls.delete(key);
      this.deps.expectations.forget(key);
      return;
    }
    // Our last write has not reached the cache yet; its watch event will enqueue the key again.
    if (!this.deps.expectations.isSatisfied(vm)) return { requeueAfterMs: 1_000 };
    try {
      return vm.metadata.deletionTimestamp
        ? await this.finalize(vm, ctx)
        : await this.ensure(vm, ctx);
    } catch (err) {
      return this.handleError(vm, err, ctx);
    }
  }

  private async ensure(vm: VM, ctx: ReconcileContext): Promise<ReconcileResult | void> {
    vm = this.expect(vm, await addFinalizer(this.deps.client, Resources.VirtualMachine, vm));
    const cloning = vm.metadata.annotations?.[CLONE_PENDING_ANNOTATION];
    if (cloning && !vm.status?.id) {
      await this.report(
        vm,
        { ...vm.status, phase: 'Provisioning' },
        {
          status: 'False',
          reason: 'WaitingForClone',
          message: `VMClone "${cloning}" is creating this VM`,
        },
      );
      return;
    }
    const resolution = await resolveReferences(vm, this.deps.caches, this.deps.client);
    if (!resolution.ok) {
      await this.report(
        vm,
        { ...vm.status, phase: vm.status?.id ? vm.status.phase : 'Pending' },
        {
          status: 'False',
          reason: resolution.reason,
          message: resolution.message,
        },
        'Warning',
      );
      if (resolution.recheck) throw new TerminalError(resolution.message);
      return;
    }
    const resolved = resolution.value;
    const provider = resolved.provider;
    if (!isConditionTrue(provider.status?.conditions, READY)) {
      // A VM that exists keeps its last observed status; the Provider watch resumes it.
      if (vm.status?.id) return;
      const why = provider.status?.conditions?.find((c) => c.type === READY)?.message;
      await this.report(
        vm,
        { ...vm.status, phase: 'Pending' },
        {
          status: 'False',
          reason: 'ProviderNotReady',
          message: `Provider "${provider.metadata.name}" is not ready${why ? `: ${why}` : ''}`,
        },
      );
      return;
    }
    const call = await this.caller(resolved, ctx);
    if (!call) return { requeueAfterMs: 5_000 };
    return this.drive(vm, resolved, call, ctx);
  }

  /**
   * Performs the steps `decide` picks, one after another, until one ends the reconcile: at most
   * poll a task, Create, Describe, then one change (or settling status).
   */
  private async drive(
    vm: VM,
    resolved: ResolvedVM,
    call: Call,
    ctx: ReconcileContext,
  ): Promise<ReconcileResult | void> {
    const key = keyOf(vm);
    const providerName = resolved.provider.metadata.name!;
    const desiredHardwareHash = hardwareHash(vm, resolved);
    const reconfigureOnline = !!resolved.provider.status?.capabilities?.includes(
      CAPABILITY.reconfigureOnline,
    );
    let status: Status = { ...vm.status };
    let described: DescribeResponse | undefined;
    for (let step = 0; step < MAX_STEPS; step++) {
      const action = decide({ vm, status, described, desiredHardwareHash, reconfigureOnline });
      switch (action.type) {
        case 'PollTask': {
          const task = await call('taskStatus', { task: { id: action.taskId } });
          if (!task.done) return { requeueAfterMs: this.nextPoll(key) };
          this.polls.delete(key);
          if (task.error) return this.taskFailed(vm, task.error);
          status = { ...status, lastTaskRef: undefined };
          break;
        }
        case 'Create': {
          const created = await call('create', createRequest(vm, resolved));
          ctx.log.info({ id: created.id, task: created.task?.id }, 'created VM on provider');
          this.event(
            vm,
            'Normal',
            'Created',
            `created VM "${created.id}" on Provider "${providerName}"`,
          );
          status = {
            ...status,
            id: created.id,
            provider: { name: providerName },
            appliedHardwareHash: desiredHardwareHash,
            // A VM that boots for the first time needs no reboot for a request it was created with.
            observedRebootRequest: rebootRequest(vm),
            phase: 'Provisioning',
          };
          if (created.task?.id) {
            await this.report(
              vm,
              { ...status, lastTaskRef: created.task.id },
              {
                status: 'False',
                reason: 'Provisioning',
                message: `creating the VM on Provider "${providerName}"`,
              },
            );
            return { requeueAfterMs: this.nextPoll(key) };
          }
          break;
        }
        case 'Describe':
          described = await call('describe', {
            id: status.id!,
            targetHostId: vm.spec.placement?.host ?? '',
            owner: owner(vm),
          });
          break;
        case 'Recreate':
          return this.recreate(vm, status, providerName);
        case 'ShutdownForReconfigure':
          return this.shutdownForReconfigure(vm, status, call);
        case 'Reconfigure':
          return this.reconfigure(vm, status, resolved, call);
        case 'Power': {
          const reboot = action.answersReboot;
          if (reboot) this.rebootNotNeeded(vm, reboot, action.op === PowerOp.POWER_OP_ON);
          const next = reboot ? { ...status, observedRebootRequest: reboot } : status;
          return this.power(vm, next, action.op, call);
        }
        case 'Reboot':
          return this.reboot(vm, status, action.request, call);
        case 'Settle': {
          const reboot = action.answersReboot;
          if (reboot) this.rebootNotNeeded(vm, reboot, false);
          const next = reboot ? { ...status, observedRebootRequest: reboot } : status;
          // decide settles only once Describe has answered.
          return this.settle(vm, next, described!);
        }
      }
    }
    throw new Error(`no decision after ${MAX_STEPS} steps (did Create answer without an id?)`);
  }

  private async shutdownForReconfigure(vm: VM, status: Status, call: Call) {
    const off = await call(
      'power',
      powerRequest(vm, status.id!, PowerOp.POWER_OP_SHUTDOWN_GRACEFUL),
    );
    this.event(
      vm,
      'Normal',
      'PoweringOffForReconfigure',
      'the provider cannot change this VM while it runs; shutting it down first',
    );
    return this.startTask(
      vm,
      { ...status, phase: 'Reconfiguring' },
      off.task?.id,
      'Reconfiguring',
      'shutting down to apply the new class',
    );
  }

  private async reconfigure(
    vm: VM,
    status: Status,
    resolved: ResolvedVM,
    call: Call,
  ): Promise<ReconcileResult> {
    const { spec } = resolved.vmClass;
    const task = await call('reconfigure', {
      id: status.id!,
      desiredJson: desiredJson(vm, resolved),
      targetHostId: vm.spec.placement?.host ?? '',
      owner: owner(vm),
    });
    const what = `VMClass "${resolved.vmClass.metadata.name}" (${spec.cpu} CPU, ${spec.memory} memory) and ${vm.spec.disks?.length ?? 0} data disk(s)`;
    this.event(vm, 'Normal', 'Reconfiguring', `applying ${what}`);
    const next = {
      ...status,
      phase: 'Reconfiguring' as const,
      appliedHardwareHash: hardwareHash(vm, resolved),
    };
    return this.startTask(vm, next, task.task?.id, 'Reconfiguring', `applying ${what}`);
  }

  private async power(vm: VM, status: Status, op: PowerOp, call: Call): Promise<ReconcileResult> {
    const task = await call('power', powerRequest(vm, status.id!, op));
    const on = op === PowerOp.POWER_OP_ON;
    const reason = on ? 'PoweringOn' : 'PoweringOff';
    // The first power-on of a new VM is the last step of provisioning: its Created and Running
    // events tell that story (and every event is an API write). Later power changes get one.
    if (status.phase !== 'Provisioning') {
      this.event(
        vm,
        'Normal',
        reason,
        on ? 'powering the VM on' : `powering the VM off (spec.powerState ${vm.spec.powerState})`,
      );
    }
    return this.startTask(vm, status, task.task?.id, reason, on ? 'powering on' : 'powering off');
  }

  /**
   * Reboots once for the request `requested`. The request is recorded with the task in one status
   * write that, unlike the others, has no resourceVersion precondition: the reboot has happened,
   * and an unrelated change to the object meanwhile (a label, another annotation) must not turn
   * the write into a conflict whose retry would reboot a second time for the same request.
   */
  private async reboot(
    vm: VM,
    status: Status,
    requested: string,
    call: Call,
  ): Promise<ReconcileResult> {
    const task = await call('power', powerRequest(vm, status.id!, PowerOp.POWER_OP_REBOOT));
    this.event(
      vm,
      'Normal',
      'Rebooting',
      `rebooting the VM (${REBOOT_REQUESTED_ANNOTATION}: ${requested})`,
    );
    const taskId = task.task?.id || undefined;
    const conditions = setCondition(
      vm.status?.conditions,
      { type: READY, status: 'False', reason: 'Rebooting', message: 'rebooting as requested' },
      vm.metadata.generation,
    );
    const written = await this.deps.client.patchStatus<VM>(
      Resources.VirtualMachine,
      vm.metadata.namespace!,
      vm.metadata.name!,
      { status: { observedRebootRequest: requested, lastTaskRef: taskId ?? null, conditions } },
    );
    this.expect(vm, written);
    return { requeueAfterMs: taskId ? this.nextPoll(keyOf(vm)) : 0 };
  }

  private rebootNotNeeded(vm: VM, requested: string, poweringOn: boolean): void {
    this.event(
      vm,
      'Normal',
      'RebootNotNeeded',
      poweringOn
        ? `not rebooting for ${REBOOT_REQUESTED_ANNOTATION}: ${requested}: the VM is being powered on`
        : `not rebooting for ${REBOOT_REQUESTED_ANNOTATION}: ${requested}: the VM is off (spec.powerState ${vm.spec.powerState})`,
    );
  }

  /** Records the task in status (so a restart resumes it) or, when it finished already, goes on. */
  private async startTask(
    vm: VM,
    status: Status,
    taskId: string | undefined,
    reason: string,
    message: string,
  ): Promise<ReconcileResult> {
    await this.report(
      vm,
      { ...status, lastTaskRef: taskId || undefined },
      {
        status: 'False',
        reason,
        message,
      },
    );
    return { requeueAfterMs: taskId ? this.nextPoll(keyOf(vm)) : 0 };
  }

  private async settle(
    vm: VM,
    status: Status,
    described: DescribeResponse,
  ): Promise<ReconcileResult> {
    const powerState = normalizePower(described.powerState);
    const phase = powerState === 'On' ? 'Running' : powerState === 'Off' ? 'Stopped' : status.phase;
    const wantOn = (vm.spec.powerState ?? 'On') === 'On';
    const settled = (wantOn && phase === 'Running') || (!wantOn && phase === 'Stopped');
    const next: Status = {
      ...status,
      observedGeneration: vm.metadata.generation,
      phase,
      powerState,
      ips: described.ips,
      consoleURL: described.consoleUrl || undefined,
    };
    const ready: ReadyCondition = settled
      ? {
          status: 'True',
          reason: phase!,
          message: phase === 'Running' ? 'the VM is running' : 'the VM is stopped as requested',
        }
      : {
          status: 'False',
          reason: 'PowerStateUnknown',
          message: `the provider reports power state "${described.powerState}"`,
        };
    const before = vm.status?.phase;
    const waitingForIps = powerState === 'On' && described.ips.length === 0;
    if (!waitingForIps) this.deps.expectations.settling(vm);
    const written = await this.report(vm, next, ready).catch((err: unknown) => {
      this.deps.expectations.notSettling(vm);
      throw err;
    });
    if (written === vm) this.deps.expectations.notSettling(vm);
    if (before !== phase && (phase === 'Running' || phase === 'Stopped')) {
      this.event(
        vm,
        'Normal',
        phase,
        `VM "${status.id}" is ${phase === 'Running' ? 'running' : 'stopped'}`,
      );
    }
    // Guests report addresses some time after boot: look again soon until they do.
    if (waitingForIps) return { requeueAfterMs: this.nextPoll(keyOf(vm), true) };
    this.polls.delete(keyOf(vm));
    return { requeueAfterMs: this.deps.resyncPeriodMs };
  }

  private async recreate(vm: VM, status: Status, providerName: string): Promise<ReconcileResult> {
    this.event(
      vm,
      'Warning',
      'VMMissing',
      `VM "${status.id}" no longer exists on Provider "${providerName}"; creating it again`,
    );
    await this.report(
      vm,
      {
        ...status,
        id: undefined,
        lastTaskRef: undefined,
        appliedHardwareHash: undefined,
        phase: 'Pending',
        powerState: 'Unknown',
        ips: [],
      },
      {
        status: 'False',
        reason: 'VMMissing',
        message: `VM "${status.id}" disappeared from the provider; it is being created again`,
      },
    );
    return { requeueAfterMs: 0 };
  }

  private async taskFailed(vm: VM, error: string): Promise<ReconcileResult> {
    const status = vm.status ?? {};
    const next: Status = {
      ...status,
      lastTaskRef: undefined,
      // A failed Reconfigure is retried: forget that the new hardware was applied.
      appliedHardwareHash:
        status.phase === 'Reconfiguring' ? undefined : status.appliedHardwareHash,
      phase:
        status.phase === 'Provisioning' || status.phase === 'Reconfiguring'
          ? 'Failed'
          : status.phase,
    };
    await this.report(
      vm,
      next,
      { status: 'False', reason: 'TaskFailed', message: `the provider task failed: ${error}` },
      'Warning',
    );
    throw new TerminalError(`the provider task failed: ${error}`);
  }

  private async finalize(vm: VM, ctx: ReconcileContext): Promise<ReconcileResult | void> {
    if (!hasFinalizer(vm)) return;
    const status = vm.status ?? {};
    const namespace = vm.metadata.namespace!;
    if (vm.spec.lifecycle?.protectedFromDeletion && status.id) {
      await this.report(
        vm,
        status,
        {
          status: 'False',
          reason: 'DeletionProtected',
          message:
            'spec.lifecycle.protectedFromDeletion is true: set it to false to let the VM be deleted on the hypervisor',
        },
        'Warning',
      );
      return;
    }
    if (neverReachedProvider(vm)) return this.release(vm, undefined);
    const provider = this.deps.caches.providers.get(namespace, vm.spec.providerRef.name);
    if (!provider) {
      await this.report(
        vm,
        { ...status, phase: 'Deleting' },
        {
          status: 'False',
          reason: 'ProviderNotFound',
          message: `spec.providerRef.name: Provider "${vm.spec.providerRef.name}" not found, so VM "${status.id}" cannot be deleted on the hypervisor; recreate the Provider, or remove the finalizer to abandon the VM`,
        },
        'Warning',
      );
      return;
    }
    if (!isConditionTrue(provider.status?.conditions, READY)) return;
    const call = await this.caller({ provider } as ResolvedVM, ctx);
    if (!call) return { requeueAfterMs: 5_000 };
    if (status.lastTaskRef) {
      const task = await call('taskStatus', { task: { id: status.lastTaskRef } });
      if (!task.done) return { requeueAfterMs: this.nextPoll(keyOf(vm)) };
      this.polls.delete(keyOf(vm));
      if (status.phase === 'Deleting') {
        if (task.error) return this.taskFailed(vm, task.error);
        return this.release(vm, status.id);
      }
    }
    const id = status.id || (await this.findOwnedId(vm, call, ctx));
    if (!id) return this.release(vm, undefined);
    const deleted = await call('delete', {
      id,
      targetHostId: vm.spec.placement?.host ?? '',
      owner: owner(vm),
    });
    if (!deleted.task?.id) return this.release(vm, id);
    this.event(
      vm,
      'Normal',
      'Deleting',
      `deleting VM "${id}" on Provider "${provider.metadata.name}"`,
    );
    await this.report(
      vm,
      { ...status, id, phase: 'Deleting', lastTaskRef: deleted.task.id },
      {
        status: 'False',
        reason: 'Deleting',
        message: 'deleting the VM on the hypervisor',
      },
    );
    return { requeueAfterMs: this.nextPoll(keyOf(vm)) };
  }

  /**
   * The id of a VM whose Create answer was lost (manager stopped before writing status): Describe
   * by owner tells whether one exists, and Create — idempotent by owner — returns its id.
   */
  private async findOwnedId(
    vm: VM,
    call: Call,
    ctx: ReconcileContext,
  ): Promise<string | undefined> {
    const found = await call('describe', { id: '', targetHostId: '', owner: owner(vm) });
    if (!found.exists) return undefined;
    const resolution = await resolveReferences(vm, this.deps.caches, this.deps.client);
    if (!resolution.ok)
      throw new Error(`cannot look up the VM id to delete it: ${resolution.message}`);
    const created = await call('create', createRequest(vm, resolution.value));
    ctx.log.info({ id: created.id }, 'found VM by owner for deletion');
    return created.id;
  }

  private async release(vm: VM, id: string | undefined): Promise<void> {
    if (id) this.event(vm, 'Normal', 'Deleted', `deleted VM "${id}" from the hypervisor`);
    this.polls.delete(keyOf(vm));
    await removeFinalizer(this.deps.client, Resources.VirtualMachine, vm);
  }

  private async caller(resolved: ResolvedVM, ctx: ReconcileContext): Promise<Call | undefined> {
    const result = await this.deps.endpoints.resolve(resolved.provider);
    if (!result.ok) return undefined;
    return this.deps.gateway.bind(result.endpoint, { correlationId: ctx.correlationId });
  }

  private async handleError(vm: VM, err: unknown, ctx: ReconcileContext): Promise<ReconcileResult> {
    if (err instanceof CircuitOpenError) {
      return { requeueAfterMs: Math.round(err.retryAfterMs * (1 + Math.random() * 0.2)) };
    }
    if (isProviderCallError(err) && err.isPermanent) {
      ctx.log.warn({ code: err.codeName, details: err.details }, 'provider rejected the request');
      await this.report(
        vm,
        { ...vm.status, phase: vm.status?.id ? vm.status.phase : 'Failed' },
        permanentCondition(err),
        'Warning',
      );
      throw new TerminalError(err.message, { cause: err });
    }
    throw err;
  }

  /** Writes status with the Ready condition (and a matching event for warnings). */
  private async report(
    vm: VM,
    status: Status,
    ready: ReadyCondition,
    eventType?: 'Warning',
  ): Promise<VM> {
    const written = await report(
      this.deps,
      Resources.VirtualMachine,
      vm,
      status,
      ready,
      !!eventType,
    );
    return this.expect(vm, written);
  }

  private expect(before: VM, after: VM): VM {
    if (after !== before) this.deps.expectations.expect(after);
    return after;
  }

  private event(vm: VM, type: 'Normal' | 'Warning', reason: string, message: string): void {
    this.deps.recorder.record(vm, type, reason, message);
  }

  private nextPoll(key: string, slow = false): number {
    const attempt = this.polls.get(key) ?? 0;
    this.polls.set(key, attempt + 1);
    const max = slow ? this.deps.taskPollMaxMs * 3 : this.deps.taskPollMaxMs;
    return Math.min(max, this.deps.taskPollBaseMs * 2 ** attempt);
  }
}

function keyOf(vm: VM): string {
  return `${vm.metadata.namespace}/${vm.metadata.name}`;
}

/** Ready reasons that are only ever written before the first Create call. */
const BEFORE_CREATE = new Set([
  'ProviderNotFound',
  'ClassNotFound',
  'ImageNotFound',
  'ImageIncompatible',
  'NetworkNotFound',
  'CloudInitSecretNotFound',
  'CloudInitKeyNotFound',
  'ProviderNotReady',
]);

/**
 * True when Create was certainly never called: no id, no task, and the last report was a blocker
 * that stops the reconcile before Create. Otherwise deletion asks the provider (by owner uid).
 */
function neverReachedProvider(vm: VM): boolean {
  const status = vm.status ?? {};
  const ready = status.conditions?.find((c) => c.type === READY);
  return !status.id && !status.lastTaskRef && (!ready || BEFORE_CREATE.has(ready.reason));
}

function normalizePower(state: string): 'On' | 'Off' | 'Unknown' {
  return state === 'On' || state === 'Off' ? state : 'Unknown';
}

/** INVALID_ARGUMENT → InvalidArgument: the gRPC code as a condition reason. */
function permanentCondition(err: ProviderCallError): ReadyCondition {
  const reason = err.codeName
    .toLowerCase()
    .split('_')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
  return { status: 'False', reason: `Provider${reason}`, message: `${err.method}: ${err.details}` };
}

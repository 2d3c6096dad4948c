// For controllers that act on an existing VM (snapshots, clones): the VM, its Provider and a
// bound provider call, or the reason they cannot act yet.
import type { Informer, KubeObject } from '@virtrigaud/kube';
import { type Provider, Resources } from '@virtrigaud/api';
import { CircuitOpenError } from '../grpc/circuit-breaker';
import { isProviderCallError } from '../grpc/errors';
import type { ProviderCall, ProviderGateway } from '../grpc/provider-gateway';
import { isConditionTrue } from '../runtime/conditions';
import { TerminalError, type ReconcileResult } from '../runtime/controller';
import type { ProviderEndpoints } from './provider/endpoint';
import type { Manager } from '../manager';
import type { ReadyCondition } from './report';
import type { VM } from './virtualmachine/reconciler';

export interface VMProviderDeps {
  vms: Informer<VM>;
  providers: Informer<Provider & KubeObject>;
  endpoints: ProviderEndpoints;
  gateway: ProviderGateway;
}

/** The manager's VMProviderDeps, with the client and recorder every such controller writes with. */
export function vmProviderDeps(manager: Manager) {
  return {
    client: manager.client,
    recorder: manager.recorder,
    vms: manager.informer<VM>(Resources.VirtualMachine),
    providers: manager.informer<Provider & KubeObject>(Resources.Provider),
    endpoints: manager.endpoints,
    gateway: manager.gateway,
  };
}

export type VMProviderResult =
  | { ok: true; vm: VM; provider: Provider; call: ProviderCall }
  | { ok: false; blocked: ReadyCondition };

export async function vmWithProvider(
  deps: VMProviderDeps,
  namespace: string,
  vmName: string,
  field: string,
  correlationId: string,
): Promise<VMProviderResult> {
  const vm = deps.vms.get(namespace, vmName);
  if (!vm) {
    return blocked(
      'VMNotFound',
      `${field}: VirtualMachine "${vmName}" not found in namespace "${namespace}"`,
    );
  }
  if (!vm.status?.id) {
    return blocked('VMNotCreated', `VirtualMachine "${vmName}" does not exist on its provider yet`);
  }
  const provider = deps.providers.get(namespace, vm.spec.providerRef.name);
  if (!provider || !isConditionTrue(provider.status?.conditions, 'Ready')) {
    return blocked(
      'ProviderNotReady',
      `Provider "${vm.spec.providerRef.name}" of VirtualMachine "${vmName}" is not ready`,
    );
  }
  const endpoint = await deps.endpoints.resolve(provider);
  if (!endpoint.ok) return blocked(endpoint.reason, endpoint.message);
  return { ok: true, vm, provider, call: deps.gateway.bind(endpoint.endpoint, { correlationId }) };
}

function blocked(reason: string, message: string): { ok: false; blocked: ReadyCondition } {
  return { ok: false, blocked: { status: 'False', reason, message } };
}

/**
 * What a reconcile of such a controller returns when a provider call threw: an open circuit is
 * retried once it may close; a permanent rejection goes to `reportRejected` (as the Ready
 * condition) and ends as a TerminalError; anything else is rethrown for the controller's backoff.
 */
export async function afterProviderError(
  err: unknown,
  reportRejected: (rejected: ReadyCondition) => Promise<unknown>,
): Promise<ReconcileResult> {
  if (err instanceof CircuitOpenError) return { requeueAfterMs: err.retryAfterMs };
  if (isProviderCallError(err) && err.isPermanent) {
    await reportRejected({ status: 'False', reason: 'ProviderRejected', message: err.message });
    throw new TerminalError(err.message, { cause: err });
  }
  throw err;
}

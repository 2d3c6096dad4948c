// The one-word health verdicts of the API, derived from what the operator reports (conditions,
// phase, replicas) and from the provider's own metrics. Each verdict carries the reason a person
// should read next to the badge.
import type { Condition, Provider, VirtualMachine } from '@virtrigaud/api';
import type { Health, ProviderMetrics } from '@virtrigaud/plugin-virtrigaud-common';

/** Above this share of failed gRPC requests a working provider is reported as degraded. */
export const DEGRADED_ERROR_RATE = 0.1;

export function findCondition(conditions: Condition[] | undefined, type: string) {
  return conditions?.find((c) => c.type === type);
}

export function vmHealth(vm: VirtualMachine): Health {
  const status = vm.status;
  const ready = findCondition(status?.conditions, 'Ready');
  if (vm.metadata.deletionTimestamp) {
    return { level: 'progressing', reason: 'Deleting from the hypervisor' };
  }
  if (status?.phase === 'Failed') {
    return { level: 'unhealthy', reason: ready?.message || 'The operator reports phase Failed' };
  }
  if (!status?.phase || status.phase === 'Pending' || status.phase === 'Provisioning') {
    return { level: 'progressing', reason: ready?.message || 'Waiting for the operator' };
  }
  const stale =
    status.observedGeneration !== undefined &&
    vm.metadata.generation !== undefined &&
    status.observedGeneration < vm.metadata.generation;
  if (stale || status.phase === 'Reconfiguring') {
    return { level: 'progressing', reason: 'Applying the latest change' };
  }
  if (ready?.status === 'False') {
    return { level: 'degraded', reason: ready.message || ready.reason };
  }
  const desired = vm.spec.powerState ?? 'On';
  const wantsOn = desired === 'On';
  if (
    status.powerState &&
    status.powerState !== 'Unknown' &&
    (status.powerState === 'On') !== wantsOn
  ) {
    return { level: 'progressing', reason: `Powering ${wantsOn ? 'on' : 'off'}` };
  }
  if (ready?.status === 'True') return { level: 'healthy', reason: ready.message || 'Ready' };
  return { level: 'unknown', reason: 'The operator has not reported readiness yet' };
}

export interface ProviderHealthInput {
  provider: Provider;
  desiredReplicas: number;
  readyReplicas: number;
  metrics: ProviderMetrics;
}

export function providerHealth(input: ProviderHealthInput): Health {
  const { provider, desiredReplicas, readyReplicas, metrics } = input;
  const conditions = provider.status?.conditions;
  const connection = findCondition(conditions, 'HypervisorConnected');
  if (desiredReplicas > 0 && readyReplicas === 0) {
    return { level: 'unhealthy', reason: 'No provider pod is ready' };
  }
  if (connection?.status === 'False') {
    return {
      level: 'unhealthy',
      reason: `Hypervisor not connected: ${connection.message || connection.reason}`,
    };
  }
  if (readyReplicas < desiredReplicas) {
    return { level: 'degraded', reason: `${readyReplicas} of ${desiredReplicas} pods ready` };
  }
  const errorRate = metrics.latest?.errorRate ?? 0;
  if (errorRate > DEGRADED_ERROR_RATE) {
    return {
      level: 'degraded',
      reason: `${Math.round(errorRate * 100)}% of provider requests fail`,
    };
  }
  const ready = findCondition(conditions, 'Ready');
  if (ready?.status === 'True') return { level: 'healthy', reason: ready.message || 'Ready' };
  if (ready?.status === 'False')
    return { level: 'degraded', reason: ready.message || ready.reason };
  return { level: 'unknown', reason: 'The operator has not reported readiness yet' };
}

// Deployments, ReplicaSets and Pods: defaults and validation the real apps/v1 and core/v1
// strategies apply, enough that controllers and kubectl see familiar objects.
import type { StatusCause } from '../errors';
import type { Strategy } from '../resource-type';
import { matchesLabelSelector } from '../../store/selectors';
import { forbiddenField, invalidValue, required } from '../validation';
import { defaultPodSpec, validatePodSpec } from './pod-spec';

/* eslint-disable @typescript-eslint/no-explicit-any -- workload specs are arbitrary user JSON */

function validateSelectorMatchesTemplate(spec: any): StatusCause[] {
  if (!spec?.selector || typeof spec.selector !== 'object') return [required('spec.selector')];
  if (!spec.selector.matchLabels && !spec.selector.matchExpressions) {
    return [
      invalidValue('spec.selector', spec.selector, 'empty selector is invalid for deployment'),
    ];
  }
  const labels = spec.template?.metadata?.labels ?? {};
  return matchesLabelSelector(spec.selector, labels)
    ? []
    : [
        invalidValue(
          'spec.template.metadata.labels',
          labels,
          '`selector` does not match template `labels`',
        ),
      ];
}

function validateReplicas(spec: any): StatusCause[] {
  return Number.isInteger(spec?.replicas) && spec.replicas >= 0
    ? []
    : [invalidValue('spec.replicas', spec?.replicas, 'must be greater than or equal to 0')];
}

function selectorImmutable(spec: any, oldSpec: any): StatusCause[] {
  return oldSpec && JSON.stringify(spec?.selector) !== JSON.stringify(oldSpec.selector)
    ? [invalidValue('spec.selector', spec?.selector, 'field is immutable')]
    : [];
}

export const deploymentStrategy: Strategy = {
  prepare(deployment: any) {
    const spec = (deployment.spec ??= {});
    spec.replicas ??= 1;
    spec.revisionHistoryLimit ??= 10;
    spec.progressDeadlineSeconds ??= 600;
    spec.strategy ??= { type: 'RollingUpdate' };
    if (spec.strategy.type === 'RollingUpdate')
      spec.strategy.rollingUpdate ??= { maxUnavailable: '25%', maxSurge: '25%' };
    defaultPodSpec(spec.template?.spec);
  },
  validate(deployment: any, old: any) {
    const spec = deployment.spec;
    return [
      ...validateReplicas(spec),
      ...validateSelectorMatchesTemplate(spec),
      ...selectorImmutable(spec, old?.spec),
      ...validatePodSpec('spec.template.spec', spec?.template?.spec),
      ...(spec?.template?.spec?.restartPolicy && spec.template.spec.restartPolicy !== 'Always'
        ? [
            {
              reason: 'FieldValueNotSupported',
              message: `Unsupported value: ${JSON.stringify(spec.template.spec.restartPolicy)}: supported values: "Always"`,
              field: 'spec.template.spec.restartPolicy',
            },
          ]
        : []),
    ];
  },
};

export const replicaSetStrategy: Strategy = {
  prepare(replicaSet: any) {
    const spec = (replicaSet.spec ??= {});
    spec.replicas ??= 1;
    defaultPodSpec(spec.template?.spec);
  },
  validate(replicaSet: any, old: any) {
    return [
      ...validateReplicas(replicaSet.spec),
      ...validateSelectorMatchesTemplate(replicaSet.spec),
      ...selectorImmutable(replicaSet.spec, old?.spec),
    ];
  },
};

export const podStrategy: Strategy = {
  prepare(pod: any, old: any) {
    defaultPodSpec(pod.spec);
    if (!old) pod.status = { phase: 'Pending', qosClass: 'BestEffort' };
  },
  validate(pod: any, old: any) {
    const causes = validatePodSpec('spec', pod.spec);
    if (old && JSON.stringify(stripMutable(pod.spec)) !== JSON.stringify(stripMutable(old.spec))) {
      causes.push(
        forbiddenField(
          'spec',
          'pod updates may not change fields other than `spec.containers[*].image`, `spec.activeDeadlineSeconds`, `spec.tolerations` (only additions to existing tolerations) or `spec.terminationGracePeriodSeconds`',
        ),
      );
    }
    return causes;
  },
  gracePeriodSeconds(pod: any, requested) {
    if (!pod.spec?.nodeName || pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed')
      return 0;
    return requested ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
  },
};

function stripMutable(spec: any): unknown {
  if (!spec) return spec;
  const {
    activeDeadlineSeconds: _a,
    tolerations: _t,
    terminationGracePeriodSeconds: _g,
    nodeName: _n,
    ...rest
  } = spec;
  return { ...rest, containers: (rest.containers ?? []).map(({ image: _i, ...c }: any) => c) };
}

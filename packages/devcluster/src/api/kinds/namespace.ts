// Namespaces: the `kubernetes` finalizer that the namespace controller removes once the namespace
// is empty, and the automatic `kubernetes.io/metadata.name` label.
import type { Strategy } from '../resource-type';
import { dnsLabel } from '../validation';

/* eslint-disable @typescript-eslint/no-explicit-any -- namespace objects are user JSON */

export const namespaceStrategy: Strategy = {
  prepare(namespace: any, old: any) {
    namespace.spec ??= {};
    namespace.spec.finalizers ??= old?.spec?.finalizers ?? ['kubernetes'];
    namespace.metadata.labels = {
      ...namespace.metadata.labels,
      'kubernetes.io/metadata.name': namespace.metadata.name,
    };
    namespace.status ??= { phase: 'Active' };
  },
  deletionBlocked: (namespace: any) => (namespace.spec?.finalizers ?? []).length > 0,
  validate(namespace: any) {
    return dnsLabel('metadata.name', namespace.metadata.name ?? '');
  },
};

// ReplicaSets: keeps `spec.replicas` pods from the template (creating and deleting Pods), and
// reports replicas/ready/available in status.
import { randomBytes } from 'node:crypto';
import type { Objects } from '../api/objects';
import type { ResourceType } from '../api/resource-type';
import type { StoredObject } from '../api/types';
import { matchesLabelSelector } from '../store/selectors';
import { controllerRef, isControlledBy, reconcileOwners, SAFE, splitKey } from './owned';

/* eslint-disable @typescript-eslint/no-explicit-any -- workload specs are arbitrary user JSON */

export function isPodReady(pod: any): boolean {
  return (
    !pod.metadata.deletionTimestamp &&
    pod.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True')
  );
}

export class ReplicaSetController {
  private readonly stop: () => void;
  private readonly replicaSets: ResourceType;
  private readonly pods: ResourceType;

  constructor(private readonly objects: Objects) {
    this.replicaSets = objects.registry.lookup('apps', 'v1', 'replicasets')!;
    this.pods = objects.registry.lookup('', 'v1', 'pods')!;
    this.stop = reconcileOwners(
      objects,
      'replicaset controller',
      { owners: this.replicaSets, owned: this.pods },
      (key) => this.reconcile(key),
    );
  }

  close(): void {
    this.stop();
  }

  private reconcile(key: string): void {
    const [namespace, name] = splitKey(key);
    const rs = this.objects.find(this.replicaSets, namespace, name) as any;
    if (!rs || rs.metadata.deletionTimestamp) return;
    const pods = this.objects.store
      .list(this.pods.storageKey, namespace)
      .filter((p) => isControlledBy(p, rs) && !p.metadata.deletionTimestamp);
    const desired = rs.spec.replicas ?? 1;
    if (pods.length < desired) for (let i = pods.length; i < desired; i++) this.createPod(rs);
    if (pods.length > desired) {
      // Remove not-ready pods first, then the newest.
      const ranked = [...pods].sort(
        (a, b) =>
          Number(isPodReady(a)) - Number(isPodReady(b)) ||
          b.metadata.creationTimestamp.localeCompare(a.metadata.creationTimestamp),
      );
      for (const pod of ranked.slice(0, pods.length - desired))
        this.objects.delete(this.pods, namespace, pod.metadata.name);
    }
    this.updateStatus(rs, pods);
  }

  private createPod(rs: any): void {
    const template = rs.spec.template ?? {};
    let suffix = '';
    for (const byte of randomBytes(5)) suffix += SAFE[byte % SAFE.length];
    this.objects.create(this.pods, rs.metadata.namespace, {
      metadata: {
        ...template.metadata,
        name: `${rs.metadata.name}-${suffix}`,
        namespace: rs.metadata.namespace,
        ownerReferences: [controllerRef(rs)],
      },
      spec: template.spec,
    });
  }

  private updateStatus(rs: any, pods: StoredObject[]): void {
    const labelled = pods.filter((p) =>
      matchesLabelSelector(rs.spec.selector ?? {}, p.metadata.labels ?? {}),
    );
    const ready = pods.filter(isPodReady).length;
    const status = {
      replicas: pods.length,
      fullyLabeledReplicas: labelled.length,
      readyReplicas: ready,
      availableReplicas: ready,
      observedGeneration: rs.metadata.generation,
    };
    this.objects.update(
      this.replicaSets,
      rs.metadata.namespace,
      rs.metadata.name,
      { ...rs, status },
      {},
      'status',
    );
  }
}

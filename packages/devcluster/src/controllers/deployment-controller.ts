// Deployments: one ReplicaSet per pod template (labelled with pod-template-hash); a template
// change creates a new ReplicaSet and scales the old ones down as new pods become ready
// (RollingUpdate) or first (Recreate). Status mirrors the ReplicaSets, with the Available and
// Progressing conditions `kubectl rollout status` waits on.
import type { Objects } from '../api/objects';
import { timestamp } from '../api/objects';
import type { ResourceType } from '../api/resource-type';
import { controllerRef, isControlledBy, reconcileOwners, shortHash, splitKey } from './owned';

/* eslint-disable @typescript-eslint/no-explicit-any -- workload specs are arbitrary user JSON */

const HASH_LABEL = 'pod-template-hash';
const REVISION = 'deployment.kubernetes.io/revision';

function scaledValue(value: unknown, total: number, roundUp: boolean): number {
  if (typeof value === 'number') return value;
  const percent = /^(\d+)%$/.exec(String(value ?? '25%'));
  if (!percent) return 0;
  const exact = (Number(percent[1]) * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

export class DeploymentController {
  private readonly stop: () => void;
  private readonly deployments: ResourceType;
  private readonly replicaSets: ResourceType;

  constructor(private readonly objects: Objects) {
    this.deployments = objects.registry.lookup('apps', 'v1', 'deployments')!;
    this.replicaSets = objects.registry.lookup('apps', 'v1', 'replicasets')!;
    this.stop = reconcileOwners(
      objects,
      'deployment controller',
      { owners: this.deployments, owned: this.replicaSets },
      (key) => this.reconcile(key),
    );
  }

  close(): void {
    this.stop();
  }

  private reconcile(key: string): void {
    const [namespace, name] = splitKey(key);
    const deployment = this.objects.find(this.deployments, namespace, name) as any;
    if (!deployment || deployment.metadata.deletionTimestamp) return;
    const desired: number = deployment.spec.replicas ?? 1;
    const hash = shortHash(deployment.spec.template);
    const owned = this.objects.store
      .list(this.replicaSets.storageKey, namespace)
      .filter((rs) => isControlledBy(rs, deployment)) as any[];
    let current = owned.find((rs) => rs.metadata.labels?.[HASH_LABEL] === hash);
    const old = owned.filter((rs) => rs !== current);
    const recreate = deployment.spec.strategy?.type === 'Recreate';
    const oldPods = old.reduce((sum, rs) => sum + (rs.status?.replicas ?? 0), 0);
    if (!current)
      current = this.createReplicaSet(
        deployment,
        hash,
        owned,
        recreate && oldPods > 0 ? 0 : desired,
      );
    else if (!(recreate && oldPods > 0)) this.scale(current, desired);
    const newReady = current.status?.readyReplicas ?? 0;
    for (const rs of old)
      this.scale(
        rs,
        recreate ? 0 : Math.max(0, Math.min(rs.spec.replicas ?? 0, desired - newReady)),
      );
    this.updateStatus(deployment, current, owned);
  }

  private createReplicaSet(deployment: any, hash: string, owned: any[], replicas: number): any {
    const revision =
      Math.max(0, ...owned.map((rs) => Number(rs.metadata.annotations?.[REVISION] ?? 0))) + 1;
    const template = structuredClone(deployment.spec.template ?? {});
    template.metadata = {
      ...template.metadata,
      labels: { ...template.metadata?.labels, [HASH_LABEL]: hash },
    };
    const selector = {
      ...deployment.spec.selector,
      matchLabels: { ...deployment.spec.selector?.matchLabels, [HASH_LABEL]: hash },
    };
    return this.objects.create(this.replicaSets, deployment.metadata.namespace, {
      metadata: {
        name: `${deployment.metadata.name}-${hash}`,
        labels: template.metadata.labels,
        annotations: {
          [REVISION]: String(revision),
          'deployment.kubernetes.io/desired-replicas': String(deployment.spec.replicas ?? 1),
        },
        ownerReferences: [controllerRef(deployment)],
      },
      spec: { replicas, selector, template },
    });
  }

  private scale(rs: any, replicas: number): void {
    if ((rs.spec.replicas ?? 1) === replicas) return;
    this.objects.update(this.replicaSets, rs.metadata.namespace, rs.metadata.name, {
      ...rs,
      spec: { ...rs.spec, replicas },
    });
  }

  private updateStatus(deployment: any, current: any, owned: any[]): void {
    const all = owned.includes(current) ? owned : [...owned, current];
    const sum = (field: string) => all.reduce((total, rs) => total + (rs.status?.[field] ?? 0), 0);
    const desired: number = deployment.spec.replicas ?? 1;
    const available = sum('availableReplicas');
    const updated = current.status?.replicas ?? 0;
    const maxUnavailable = scaledValue(
      deployment.spec.strategy?.rollingUpdate?.maxUnavailable,
      desired,
      false,
    );
    const complete = updated === desired && available >= desired && sum('replicas') === desired;
    const previous: any[] = deployment.status?.conditions ?? [];
    const condition = (type: string, status: boolean, reason: string, message: string) => {
      const before = previous.find((c) => c.type === type);
      const text = status ? 'True' : 'False';
      const same = before?.status === text && before?.reason === reason;
      return {
        type,
        status: text,
        lastUpdateTime: same ? before.lastUpdateTime : timestamp(),
        lastTransitionTime: before?.status === text ? before.lastTransitionTime : timestamp(),
        reason,
        message,
      };
    };
    const status = {
      observedGeneration: deployment.metadata.generation,
      replicas: sum('replicas'),
      updatedReplicas: updated,
      readyReplicas: sum('readyReplicas'),
      availableReplicas: available,
      ...(desired - available > 0 ? { unavailableReplicas: desired - available } : {}),
      conditions: [
        available >= desired - maxUnavailable
          ? condition(
              'Available',
              true,
              'MinimumReplicasAvailable',
              'Deployment has minimum availability.',
            )
          : condition(
              'Available',
              false,
              'MinimumReplicasUnavailable',
              'Deployment does not have minimum availability.',
            ),
        complete
          ? condition(
              'Progressing',
              true,
              'NewReplicaSetAvailable',
              `ReplicaSet "${current.metadata.name}" has successfully progressed.`,
            )
          : condition(
              'Progressing',
              true,
              'ReplicaSetUpdated',
              `ReplicaSet "${current.metadata.name}" is progressing.`,
            ),
      ],
    };
    this.objects.update(
      this.deployments,
      deployment.metadata.namespace,
      deployment.metadata.name,
      { ...deployment, status },
      {},
      'status',
    );
  }
}

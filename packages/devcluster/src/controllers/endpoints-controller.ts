// Endpoints and EndpointSlices for Services with a selector: one slice per ready-or-not pod
// (each pod listens on its own loopback port, and a slice has one port list), plus the legacy
// Endpoints object with one subset per pod. The addresses are where the pod really listens.
import type { Objects } from '../api/objects';
import type { ResourceType } from '../api/resource-type';
import type { StoredObject } from '../api/types';
import { matchesLabelSelector } from '../store/selectors';
import type { StoreEvent } from '../store/store';
import { controllerRef, shortHash } from './owned';
import { isPodReady } from './replicaset-controller';
import { WorkQueue } from './work-queue';

/* eslint-disable @typescript-eslint/no-explicit-any -- service and pod specs are arbitrary user JSON */

const MANAGED_BY = 'endpointslice.kubernetes.io/managed-by';
const SERVICE_NAME = 'kubernetes.io/service-name';

/** Where a pod serves a Service targetPort: the kubelet's loopback port, or the port itself. */
export type PortResolver = (pod: StoredObject, targetPort: number | string) => number | undefined;

export class EndpointsController {
  private readonly queue: WorkQueue;
  private readonly unsubscribe: () => void;
  private readonly services: ResourceType;
  private readonly pods: ResourceType;
  private readonly slices: ResourceType;
  private readonly endpoints: ResourceType;

  constructor(
    private readonly objects: Objects,
    private readonly resolvePort: PortResolver,
  ) {
    const lookup = (group: string, resource: string) =>
      objects.registry.lookup(group, 'v1', resource)!;
    [this.services, this.pods, this.slices, this.endpoints] = [
      lookup('', 'services'),
      lookup('', 'pods'),
      lookup('discovery.k8s.io', 'endpointslices'),
      lookup('', 'endpoints'),
    ];
    this.queue = new WorkQueue('endpoints controller', (namespace) =>
      this.reconcileNamespace(namespace),
    );
    this.unsubscribe = objects.store.subscribe((event) => this.onEvent(event));
    for (const service of objects.store.list(this.services.storageKey))
      this.queue.add(service.metadata.namespace!);
  }

  close(): void {
    this.unsubscribe();
    this.queue.close();
  }

  /** Pod port allocations change outside the store; the kubelet asks for a refresh. */
  refresh(namespace: string): void {
    this.queue.add(namespace);
  }

  private onEvent({ storageKey, object }: StoreEvent): void {
    if (storageKey === this.services.storageKey || storageKey === this.pods.storageKey)
      this.queue.add(object.metadata.namespace!);
  }

  private reconcileNamespace(namespace: string): void {
    const pods = this.objects.store.list(this.pods.storageKey, namespace);
    for (const service of this.objects.store.list(this.services.storageKey, namespace) as any[]) {
      if (!service.spec?.selector || service.metadata.deletionTimestamp) continue;
      const selected = pods.filter(
        (p: any) =>
          matchesLabelSelector({ matchLabels: service.spec.selector }, p.metadata.labels ?? {}) &&
          p.status?.podIP &&
          p.status?.phase !== 'Succeeded' &&
          p.status?.phase !== 'Failed',
      );
      this.reconcileSlices(service, selected);
      this.reconcileEndpoints(service, selected);
    }
  }

  private ports(service: any, pod: StoredObject) {
    return (service.spec.ports ?? []).map((port: any) => ({
      name: port.name ?? '',
      protocol: port.protocol ?? 'TCP',
      port: this.resolvePort(pod, port.targetPort ?? port.port) ?? port.port,
    }));
  }

  private reconcileSlices(service: any, pods: StoredObject[]): void {
    const namespace = service.metadata.namespace;
    const wanted = new Map<string, Record<string, unknown>>();
    for (const pod of pods) {
      const name = `${service.metadata.name}-${shortHash(pod.metadata.uid, 5)}`;
      wanted.set(name, {
        metadata: {
          name,
          labels: { [SERVICE_NAME]: service.metadata.name, [MANAGED_BY]: 'devcluster' },
          ownerReferences: [controllerRef(service)],
        },
        addressType: 'IPv4',
        endpoints: [
          {
            addresses: ['127.0.0.1'],
            conditions: {
              ready: isPodReady(pod),
              serving: isPodReady(pod),
              terminating: !!pod.metadata.deletionTimestamp,
            },
            nodeName: (pod as any).spec?.nodeName,
            targetRef: { kind: 'Pod', namespace, name: pod.metadata.name, uid: pod.metadata.uid },
          },
        ],
        ports: this.ports(service, pod),
      });
    }
    const existing = this.objects.store
      .list(this.slices.storageKey, namespace)
      .filter(
        (s) =>
          s.metadata.labels?.[SERVICE_NAME] === service.metadata.name &&
          s.metadata.labels?.[MANAGED_BY] === 'devcluster',
      );
    for (const slice of existing)
      if (!wanted.has(slice.metadata.name))
        this.objects.delete(this.slices, namespace, slice.metadata.name);
    for (const [name, body] of wanted) this.createOrUpdate(this.slices, namespace, name, body);
  }

  private reconcileEndpoints(service: any, pods: StoredObject[]): void {
    const namespace = service.metadata.namespace;
    const subsets = pods.map((pod) => {
      const address = {
        ip: '127.0.0.1',
        nodeName: (pod as any).spec?.nodeName,
        targetRef: { kind: 'Pod', namespace, name: pod.metadata.name, uid: pod.metadata.uid },
      };
      return {
        [isPodReady(pod) ? 'addresses' : 'notReadyAddresses']: [address],
        ports: this.ports(service, pod),
      };
    });
    this.createOrUpdate(this.endpoints, namespace, service.metadata.name, {
      metadata: { name: service.metadata.name, labels: { [SERVICE_NAME]: service.metadata.name } },
      subsets,
    });
  }

  private createOrUpdate(
    type: ResourceType,
    namespace: string,
    name: string,
    body: Record<string, unknown>,
  ): void {
    const current = this.objects.find(type, namespace, name);
    if (!current) this.objects.create(type, namespace, body);
    else
      this.objects.update(type, namespace, name, {
        ...current,
        ...body,
        metadata: { ...current.metadata, ...(body.metadata as object) },
      });
  }
}

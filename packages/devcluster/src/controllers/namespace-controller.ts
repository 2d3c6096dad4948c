// Namespace lifecycle: every namespace gets a `default` ServiceAccount; a deleted namespace turns
// Terminating, its contents are deleted (finalizers honoured), then the namespace goes.
import type { Objects } from '../api/objects';
import type { StoreEvent } from '../store/store';
import { WorkQueue } from './work-queue';

const NAMESPACES = '/namespaces';

export class NamespaceController {
  private readonly queue: WorkQueue;
  private readonly unsubscribe: () => void;

  constructor(private readonly objects: Objects) {
    this.queue = new WorkQueue('namespace controller', (name) => this.reconcile(name));
    this.unsubscribe = objects.store.subscribe((event) => this.onEvent(event));
    for (const namespace of objects.store.list(NAMESPACES)) this.queue.add(namespace.metadata.name);
  }

  close(): void {
    this.unsubscribe();
    this.queue.close();
  }

  private onEvent({ storageKey, object, type }: StoreEvent): void {
    if (storageKey === NAMESPACES && type !== 'DELETED') this.queue.add(object.metadata.name);
    // Contents leaving a terminating namespace may let it finish.
    else if (type === 'DELETED' && object.metadata.namespace) {
      const namespace = this.objects.store.get(NAMESPACES, undefined, object.metadata.namespace);
      if (namespace?.metadata.deletionTimestamp) this.queue.add(namespace.metadata.name);
    }
  }

  private reconcile(name: string): void {
    const namespaceType = this.objects.registry.lookup('', 'v1', 'namespaces')!;
    const namespace = this.objects.find(namespaceType, undefined, name);
    if (!namespace) return;
    if (!namespace.metadata.deletionTimestamp) return this.ensureDefaultServiceAccount(name);
    if ((namespace.status as { phase?: string } | undefined)?.phase !== 'Terminating') {
      this.objects.update(
        namespaceType,
        undefined,
        name,
        { ...namespace, status: { phase: 'Terminating' } },
        {},
        'status',
      );
    }
    let remaining = 0;
    for (const storageKey of this.objects.store.storageKeys()) {
      const type = this.objects.registry.storageType(storageKey);
      if (!type?.namespaced) continue;
      for (const object of this.objects.store.list(storageKey, name)) {
        remaining++;
        if (!object.metadata.deletionTimestamp)
          this.objects.delete(type, name, object.metadata.name, {
            propagationPolicy: 'Background',
          });
      }
    }
    if (remaining === 0) {
      const current = this.objects.get(namespaceType, undefined, name);
      this.objects.update(namespaceType, undefined, name, {
        ...current,
        spec: { ...(current.spec as object), finalizers: [] },
      });
    }
  }

  private ensureDefaultServiceAccount(namespace: string): void {
    const serviceAccounts = this.objects.registry.lookup('', 'v1', 'serviceaccounts')!;
    if (this.objects.find(serviceAccounts, namespace, 'default')) return;
    this.objects.create(serviceAccounts, namespace, { metadata: { name: 'default' } });
  }
}

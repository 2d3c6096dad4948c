// ownerReference garbage collection, as kube-controller-manager's: when an owner goes, dependents
// whose owners are all gone are deleted (background); `foregroundDeletion` keeps the owner until
// its dependents are gone; `orphan` strips the owner references and lets the dependents live.
import { FOREGROUND, ORPHAN, type Objects } from '../api/objects';
import type { ResourceType } from '../api/resource-type';
import type { StoredObject } from '../api/types';
import type { StoreEvent } from '../store/store';
import { WorkQueue } from './work-queue';

type Ref = { storageKey: string; namespace?: string; name: string };

export class GarbageCollector {
  /** owner uid -> dependents (as storageKey|namespace|name). */
  private readonly dependents = new Map<string, Set<string>>();
  private readonly queue: WorkQueue;
  private readonly unsubscribe: () => void;

  constructor(private readonly objects: Objects) {
    this.queue = new WorkQueue('garbage collector', (key) => this.process(key));
    for (const storageKey of objects.store.storageKeys()) {
      for (const object of objects.store.list(storageKey))
        this.track(storageKey, object, undefined);
    }
    this.unsubscribe = objects.store.subscribe((event) => this.onEvent(event));
    for (const uid of this.dependents.keys()) this.queue.add(`owner:${uid}`);
  }

  close(): void {
    this.unsubscribe();
    this.queue.close();
  }

  private onEvent({ type, storageKey, object, previous }: StoreEvent): void {
    this.track(storageKey, type === 'DELETED' ? undefined : object, previous);
    if (type === 'DELETED' || object.metadata.deletionTimestamp)
      this.queue.add(`owner:${object.metadata.uid}`);
    // A dependent that went away may be the last one a foreground deletion waits for.
    for (const ref of (type === 'DELETED' ? previous : object)?.metadata.ownerReferences ?? [])
      this.queue.add(`owner:${ref.uid}`);
    if (type === 'ADDED' && object.metadata.ownerReferences?.length)
      this.queue.add(
        `dependent:${refKey({ storageKey, namespace: object.metadata.namespace, name: object.metadata.name })}`,
      );
  }

  private track(
    storageKey: string,
    object: StoredObject | undefined,
    previous: StoredObject | undefined,
  ): void {
    const source = object ?? previous;
    if (!source) return;
    const key = refKey({
      storageKey,
      namespace: source.metadata.namespace,
      name: source.metadata.name,
    });
    for (const ref of previous?.metadata.ownerReferences ?? [])
      this.dependents.get(ref.uid)?.delete(key);
    for (const ref of object?.metadata.ownerReferences ?? []) {
      let set = this.dependents.get(ref.uid);
      if (!set) this.dependents.set(ref.uid, (set = new Set()));
      set.add(key);
    }
  }

  private process(key: string): void {
    const [kind, rest] = [key.slice(0, key.indexOf(':')), key.slice(key.indexOf(':') + 1)];
    if (kind === 'owner') this.processOwner(rest);
    else this.processDependent(parseRef(rest));
  }

  private processOwner(uid: string): void {
    const owner = this.objects.store.getByUid(uid);
    const dependents = [...(this.dependents.get(uid) ?? [])].map(parseRef);
    if (!owner) {
      for (const dependent of dependents) this.processDependent(dependent);
      if (dependents.length === 0) this.dependents.delete(uid);
      return;
    }
    const finalizers = owner.object.metadata.finalizers ?? [];
    if (!owner.object.metadata.deletionTimestamp) return;
    if (finalizers.includes(ORPHAN)) {
      for (const dependent of dependents) this.removeOwnerReferences(dependent, [uid]);
      this.removeFinalizer(owner.storageKey, owner.object, ORPHAN);
    } else if (finalizers.includes(FOREGROUND)) {
      const live = dependents.filter((d) =>
        this.objects.store.get(d.storageKey, d.namespace, d.name),
      );
      for (const dependent of live) this.deleteObject(dependent, 'Foreground');
      if (live.length === 0) this.removeFinalizer(owner.storageKey, owner.object, FOREGROUND);
    }
  }

  /** Deletes a dependent whose owners are all gone, or drops references to the gone ones. */
  private processDependent(ref: Ref): void {
    const object = this.objects.store.get(ref.storageKey, ref.namespace, ref.name);
    if (!object) return;
    const owners = object.metadata.ownerReferences ?? [];
    const absent = owners.filter((o) => !this.objects.store.getByUid(o.uid)).map((o) => o.uid);
    if (absent.length === 0) return;
    if (absent.length === owners.length) this.deleteObject(ref, 'Background');
    else this.removeOwnerReferences(ref, absent);
  }

  private typeOf(storageKey: string): ResourceType {
    const type = this.objects.registry.storageType(storageKey);
    if (!type) throw new Error(`no type serves ${storageKey}`);
    return type;
  }

  private deleteObject(ref: Ref, propagationPolicy: 'Foreground' | 'Background'): void {
    const object = this.objects.store.get(ref.storageKey, ref.namespace, ref.name);
    if (!object || object.metadata.deletionTimestamp) return;
    this.objects.delete(this.typeOf(ref.storageKey), ref.namespace, ref.name, {
      propagationPolicy,
    });
  }

  private removeOwnerReferences(ref: Ref, uids: string[]): void {
    const object = this.objects.store.get(ref.storageKey, ref.namespace, ref.name);
    if (!object) return;
    const ownerReferences = (object.metadata.ownerReferences ?? []).filter(
      (o) => !uids.includes(o.uid),
    );
    const metadata = {
      ...object.metadata,
      ownerReferences: ownerReferences.length ? ownerReferences : undefined,
    };
    this.objects.update(this.typeOf(ref.storageKey), ref.namespace, ref.name, {
      ...object,
      metadata,
    });
  }

  private removeFinalizer(storageKey: string, object: StoredObject, finalizer: string): void {
    const finalizers = (object.metadata.finalizers ?? []).filter((f) => f !== finalizer);
    this.objects.update(this.typeOf(storageKey), object.metadata.namespace, object.metadata.name, {
      ...object,
      metadata: { ...object.metadata, finalizers },
    });
  }
}

function refKey(ref: Ref): string {
  return `${ref.storageKey}|${ref.namespace ?? ''}|${ref.name}`;
}

function parseRef(key: string): Ref {
  const [storageKey, namespace, name] = key.split('|');
  return { storageKey, namespace: namespace || undefined, name };
}

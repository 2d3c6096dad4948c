// Helpers for controllers that own objects through controller ownerReferences.
import { createHash } from 'node:crypto';
import type { Objects } from '../api/objects';
import type { ResourceType } from '../api/resource-type';
import type { OwnerReference, StoredObject } from '../api/types';
import { WorkQueue } from './work-queue';

export function controllerRef(owner: StoredObject): OwnerReference {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name,
    uid: owner.metadata.uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}

export function isControlledBy(object: StoredObject, owner: StoredObject): boolean {
  return (object.metadata.ownerReferences ?? []).some(
    (ref) => ref.controller && ref.uid === owner.metadata.uid,
  );
}

/** The controller owner's name, to enqueue the owner when a dependent changes. */
export function controllerOf(object: StoredObject, kind: string): string | undefined {
  return object.metadata.ownerReferences?.find((ref) => ref.controller && ref.kind === kind)?.name;
}

/**
 * The wiring of a controller whose objects control others (Deployments their ReplicaSets,
 * ReplicaSets their Pods): `reconcile` runs through a work queue named `name` for every owner at
 * start, whenever one changes, and whenever an object it controls changes. Returns the stop.
 */
export function reconcileOwners(
  objects: Objects,
  name: string,
  types: { owners: ResourceType; owned: ResourceType },
  reconcile: (key: string) => void,
): () => void {
  const { owners, owned } = types;
  const queue = new WorkQueue(name, reconcile);
  const unsubscribe = objects.store.subscribe(({ storageKey, object }) => {
    if (storageKey === owners.storageKey) queue.add(nsKey(object));
    else if (storageKey === owned.storageKey) {
      const owner = controllerOf(object, owners.kind);
      if (owner) queue.add(`${object.metadata.namespace}/${owner}`);
    }
  });
  for (const owner of objects.store.list(owners.storageKey)) queue.add(nsKey(owner));
  return () => {
    unsubscribe();
    queue.close();
  };
}

/** The letters Kubernetes uses for generated name parts (no vowels, no look-alikes). */
export const SAFE = 'bcdfghjklmnpqrstvwxz2456789';

/** A short, name-safe hash (like pod-template-hash). */
export function shortHash(value: unknown, length = 10): string {
  const digest = createHash('sha256').update(JSON.stringify(value)).digest();
  return Array.from(digest.subarray(0, length), (byte) => SAFE[byte % SAFE.length]).join('');
}

export function nsKey(object: { metadata: { namespace?: string; name?: string } }): string {
  return `${object.metadata.namespace ?? ''}/${object.metadata.name}`;
}

export function splitKey(key: string): [string, string] {
  const slash = key.indexOf('/');
  return [key.slice(0, slash), key.slice(slash + 1)];
}

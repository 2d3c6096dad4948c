// All objects, one table per storage key, and one global revision counter: every write gets the
// next revision as its resourceVersion, like etcd's. Listeners see every change synchronously,
// in order.
import type { StoredObject } from '../api/types';
import { EventLog } from './event-log';

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  type: EventType;
  storageKey: string;
  object: StoredObject;
  /** The object before this change (for MODIFIED and DELETED). */
  previous?: StoredObject;
  revision: number;
}

export type StoreListener = (event: StoreEvent) => void;

export interface Snapshot {
  revision: number;
  tables: Record<string, StoredObject[]>;
}

const objectKey = (namespace: string | undefined, name: string) => `${namespace ?? ''}/${name}`;

export class Store {
  private currentRevision: number;
  private readonly tables = new Map<string, Map<string, StoredObject>>();
  private readonly byUid = new Map<string, { storageKey: string; object: StoredObject }>();
  private readonly listeners = new Set<StoreListener>();
  readonly log: EventLog;

  constructor(historySize: number, snapshot?: Snapshot) {
    this.currentRevision = snapshot?.revision ?? 1;
    this.log = new EventLog(historySize, this.currentRevision);
    for (const [storageKey, objects] of Object.entries(snapshot?.tables ?? {})) {
      for (const object of objects) this.index(storageKey, object);
    }
  }

  get revision(): number {
    return this.currentRevision;
  }

  get(storageKey: string, namespace: string | undefined, name: string): StoredObject | undefined {
    return this.tables.get(storageKey)?.get(objectKey(namespace, name));
  }

  getByUid(uid: string): { storageKey: string; object: StoredObject } | undefined {
    return this.byUid.get(uid);
  }

  /** Objects of one table (optionally one namespace), sorted by namespace/name. */
  list(storageKey: string, namespace?: string): StoredObject[] {
    const table = this.tables.get(storageKey);
    if (!table) return [];
    const keys = [...table.keys()].sort();
    const objects = keys.map((key) => table.get(key)!);
    return namespace === undefined
      ? objects
      : objects.filter((o) => o.metadata.namespace === namespace);
  }

  storageKeys(): string[] {
    return [...this.tables.keys()];
  }

  /** Stores a new or changed object under the next revision and tells every listener. */
  put(storageKey: string, object: StoredObject): StoredObject {
    const previous = this.get(storageKey, object.metadata.namespace, object.metadata.name);
    const revision = ++this.currentRevision;
    const stored: StoredObject = {
      ...object,
      metadata: { ...object.metadata, resourceVersion: String(revision) },
    };
    if (previous) this.byUid.delete(previous.metadata.uid);
    this.index(storageKey, stored);
    this.emit({
      type: previous ? 'MODIFIED' : 'ADDED',
      storageKey,
      object: stored,
      previous,
      revision,
    });
    return stored;
  }

  remove(storageKey: string, object: StoredObject): StoredObject {
    const previous = this.get(storageKey, object.metadata.namespace, object.metadata.name);
    if (!previous) return object;
    const revision = ++this.currentRevision;
    const removed: StoredObject = {
      ...object,
      metadata: { ...object.metadata, resourceVersion: String(revision) },
    };
    this.tables.get(storageKey)!.delete(objectKey(object.metadata.namespace, object.metadata.name));
    this.byUid.delete(previous.metadata.uid);
    this.emit({ type: 'DELETED', storageKey, object: removed, previous, revision });
    return removed;
  }

  /** Drops a whole table (a deleted CRD's objects), reporting each object as DELETED. */
  dropTable(storageKey: string): void {
    for (const object of this.list(storageKey)) this.remove(storageKey, object);
    this.tables.delete(storageKey);
  }

  subscribe(listener: StoreListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  snapshot(): Snapshot {
    const tables: Record<string, StoredObject[]> = {};
    for (const [storageKey, table] of this.tables) tables[storageKey] = [...table.values()];
    return { revision: this.currentRevision, tables };
  }

  private index(storageKey: string, object: StoredObject): void {
    let table = this.tables.get(storageKey);
    if (!table) this.tables.set(storageKey, (table = new Map()));
    table.set(objectKey(object.metadata.namespace, object.metadata.name), object);
    this.byUid.set(object.metadata.uid, { storageKey, object });
  }

  private emit(event: StoreEvent): void {
    this.log.append(event);
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        // A failing listener (a controller bug) must not break writes or other listeners.
        process.emitWarning(
          `devcluster: store listener failed: ${(error as Error).stack ?? String(error)}`,
        );
      }
    }
  }
}

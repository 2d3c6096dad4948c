// A shared informer: an in-memory cache of one resource type kept current by list+watch, like
// client-go's reflector + indexer. It lists in pages, watches from the list's resourceVersion with
// bookmarks, resumes from the last seen version after a normal stream end, and relists after
// 410 Gone, diffing the fresh list against the cache so that handlers see every change that
// happened while the watch was down (a delete becomes a delete event, never a silent loss).
import type { Logger } from 'pino';
import type { KubeClient, WatchEvent } from './client';
import { isGone } from './errors';
import type { ResourceType } from './resources';
import { keyOf, type KubeObject } from './types';

export type InformerEventType = 'add' | 'update' | 'delete';
export type InformerHandler<T> = (type: InformerEventType, obj: T, old?: T) => void;
export type IndexFunction<T> = (obj: T) => string[];

export interface InformerOptions {
  namespace?: string;
  labelSelector?: string;
  pageSize?: number;
  /** Server-side watch timeout; the stream is then resumed from the last resourceVersion. */
  watchTimeoutSeconds?: number;
  /** Re-deliver every cached object as an update this often (0 = never), like client-go resync. */
  resyncPeriodMs?: number;
  log: Logger;
  onRelist?: (reason: string) => void;
}

const MAX_BACKOFF_MS = 30_000;

export class Informer<T extends KubeObject> {
  private readonly store = new Map<string, T>();
  private readonly indexers = new Map<string, IndexFunction<T>>();
  private readonly indexes = new Map<string, Map<string, Set<string>>>();
  private readonly handlers: InformerHandler<T>[] = [];
  private resourceVersion = '';
  private stream: AbortController | undefined;
  private stopped = true;
  private synced = false;
  private failures = 0;
  private resyncTimer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly client: KubeClient,
    readonly type: ResourceType,
    private readonly options: InformerOptions,
  ) {}

  /** Registers a secondary index (e.g. VMs by Provider name) before start(). */
  addIndex(name: string, fn: IndexFunction<T>): void {
    this.indexers.set(name, fn);
    this.indexes.set(name, new Map());
  }

  on(handler: InformerHandler<T>): void {
    this.handlers.push(handler);
  }

  get(namespace: string, name: string): T | undefined {
    return this.store.get(`${namespace}/${name}`);
  }

  list(namespace?: string): T[] {
    const all = [...this.store.values()];
    return namespace === undefined ? all : all.filter((o) => o.metadata.namespace === namespace);
  }

  byIndex(index: string, value: string): T[] {
    const keys = this.indexes.get(index)?.get(value);
    if (!keys) return [];
    return [...keys].map((k) => this.store.get(k)).filter((o): o is T => o !== undefined);
  }

  get size(): number {
    return this.store.size;
  }

  hasSynced(): boolean {
    return this.synced;
  }

  /** Resolves after the first full list is in the cache. */
  async start(): Promise<void> {
    this.stopped = false;
    await this.relist('initial');
    this.openWatch();
    if (this.options.resyncPeriodMs) {
      this.resyncTimer = setInterval(() => this.resync(), this.options.resyncPeriodMs);
      this.resyncTimer.unref();
    }
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.resyncTimer);
    clearTimeout(this.retryTimer);
    this.stream?.abort();
    this.stream = undefined;
  }

  private async relist(reason: string): Promise<void> {
    if (reason !== 'initial') this.options.onRelist?.(reason);
    const fresh = new Map<string, T>();
    let continueToken: string | undefined;
    let listVersion = '';
    do {
      const page = await this.client.list<T>(this.type, this.options.namespace, {
        labelSelector: this.options.labelSelector,
        limit: this.options.pageSize ?? 500,
        continue: continueToken,
      });
      for (const item of page.items) fresh.set(keyOf(item), slim(item));
      continueToken = page.metadata.continue || undefined;
      listVersion = page.metadata.resourceVersion ?? listVersion;
    } while (continueToken);
    for (const [key, old] of this.store) {
      if (!fresh.has(key)) this.apply('delete', old);
    }
    for (const item of fresh.values()) this.apply('upsert', item);
    this.resourceVersion = listVersion;
    this.synced = true;
  }

  private openWatch(): void {
    if (this.stopped) return;
    const query = {
      resourceVersion: this.resourceVersion,
      allowWatchBookmarks: true,
      timeoutSeconds: this.options.watchTimeoutSeconds ?? 300,
      labelSelector: this.options.labelSelector,
    };
    let gone = false;
    this.client
      .watch(
        this.type,
        this.options.namespace,
        query,
        (event) => {
          if (event.type === 'ERROR') {
            gone = gone || event.object.code === 410;
            return;
          }
          this.failures = 0;
          this.onWatchEvent(event);
        },
        (err) => this.onWatchEnd(gone || isGoneError(err), err),
      )
      .then(
        (controller) => {
          if (this.stopped) controller.abort();
          else this.stream = controller;
        },
        (err) => this.onWatchEnd(isGoneError(err), err),
      );
  }

  private onWatchEvent(event: WatchEvent): void {
    const obj = slim(event.object as T);
    if (obj.metadata.resourceVersion) this.resourceVersion = obj.metadata.resourceVersion;
    if (event.type === 'BOOKMARK') return;
    this.apply(event.type === 'DELETED' ? 'delete' : 'upsert', obj);
  }

  private onWatchEnd(gone: boolean, err: unknown): void {
    this.stream = undefined;
    if (this.stopped) return;
    const normalEnd = !err || (err instanceof Error && err.name === 'TimeoutError');
    if (normalEnd && !gone) {
      this.openWatch();
      return;
    }
    if (!gone) this.failures += 1;
    const delay = gone ? 0 : Math.min(MAX_BACKOFF_MS, 250 * 2 ** this.failures);
    if (!gone) {
      this.options.log.warn(
        { resource: this.type.plural, err: String(err), retryInMs: delay },
        'watch failed',
      );
    }
    this.retryTimer = setTimeout(() => {
      const next = gone ? this.relist('410 Gone') : Promise.resolve();
      next.then(
        () => this.openWatch(),
        (listErr) => {
          this.options.log.warn(
            { resource: this.type.plural, err: String(listErr) },
            'relist failed',
          );
          this.onWatchEnd(true, listErr);
        },
      );
    }, delay);
  }

  private apply(kind: 'upsert' | 'delete', obj: T): void {
    const key = keyOf(obj);
    const old = this.store.get(key);
    if (kind === 'delete') {
      if (!old) return;
      this.store.delete(key);
      this.unindex(key, old);
      this.emit('delete', old);
      return;
    }
    if (old && old.metadata.resourceVersion === obj.metadata.resourceVersion) return;
    if (old) this.unindex(key, old);
    this.store.set(key, obj);
    this.index(key, obj);
    this.emit(old ? 'update' : 'add', obj, old);
  }

  private resync(): void {
    for (const obj of this.store.values()) this.emit('update', obj, obj);
  }

  private emit(type: InformerEventType, obj: T, old?: T): void {
    for (const handler of this.handlers) {
      try {
        handler(type, obj, old);
      } catch (err) {
        this.options.log.error({ err, resource: this.type.plural }, 'informer handler failed');
      }
    }
  }

  private index(key: string, obj: T): void {
    for (const [name, fn] of this.indexers) {
      const index = this.indexes.get(name)!;
      for (const value of fn(obj)) {
        let keys = index.get(value);
        if (!keys) index.set(value, (keys = new Set()));
        keys.add(key);
      }
    }
  }

  private unindex(key: string, obj: T): void {
    for (const [name, fn] of this.indexers) {
      const index = this.indexes.get(name)!;
      for (const value of fn(obj)) {
        const keys = index.get(value);
        keys?.delete(key);
        if (keys && keys.size === 0) index.delete(value);
      }
    }
  }
}

function isGoneError(err: unknown): boolean {
  if (isGone(err)) return true;
  const status = (err as { statusCode?: number; code?: number } | undefined) ?? {};
  return status.statusCode === 410 || status.code === 410;
}

/** managedFields are the largest part of most objects and the manager never reads them. */
function slim<T extends KubeObject>(obj: T): T {
  if (obj.metadata?.managedFields) delete obj.metadata.managedFields;
  return obj;
}

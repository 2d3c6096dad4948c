// `?watch=true` streams: newline-delimited JSON watch events, resumable from a resourceVersion,
// with bookmarks, initial events, and 410 Gone (as an ERROR event) when the version is too old.
import type { ServerResponse } from 'node:http';
import { ApiError } from '../api/errors';
import { served, type ListOptions, type Objects } from '../api/objects';
import { apiVersionOf, type ResourceType } from '../api/resource-type';
import type { StoredObject } from '../api/types';
import type { StoreEvent } from '../store/store';
import { partialMetadata, table, type Representation } from './representation';
import type { WriteOrder } from './write-order';

export interface WatchParams extends ListOptions {
  namespace?: string;
  resourceVersion?: string;
  allowWatchBookmarks: boolean;
  sendInitialEvents: boolean;
  timeoutSeconds?: number;
  representation: Representation;
  includeObject: string | null;
}

export interface WatchSettings {
  bookmarkIntervalMs: number;
  defaultTimeoutSeconds: number;
}

type WatchType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

/** Which event a watcher with a selector sees: objects moving out of the selection are DELETED. */
function translate(
  event: StoreEvent,
  current: StoredObject,
  previous: StoredObject | undefined,
  matches: (o: StoredObject) => boolean,
): WatchType | undefined {
  const now = event.type !== 'DELETED' && matches(current);
  const before = previous !== undefined && matches(previous);
  if (event.type === 'ADDED') return now ? 'ADDED' : undefined;
  if (event.type === 'DELETED') return before ? 'DELETED' : undefined;
  if (now) return before ? 'MODIFIED' : 'ADDED';
  return before ? 'DELETED' : undefined;
}

/** Serialized objects, shared by all watchers of the same event. */
const serializedObjects = new WeakMap<object, string>();

function serialize(object: StoredObject): string {
  let json = serializedObjects.get(object);
  if (json === undefined) serializedObjects.set(object, (json = JSON.stringify(object)));
  return json;
}

export function serveWatch(
  res: ServerResponse,
  objects: Objects,
  type: ResourceType,
  params: WatchParams,
  settings: WatchSettings,
  writeOrder: WriteOrder,
): void {
  const matches = objects.selector(type, params);
  const inNamespace = (o: StoredObject) =>
    !type.namespaced || params.namespace === undefined || o.metadata.namespace === params.namespace;
  let columnsSent = false;

  const line = (watchType: WatchType, object: StoredObject): string => {
    if (params.representation === 'table' && watchType !== 'BOOKMARK' && watchType !== 'ERROR') {
      const rendered = table(type, [object], params.includeObject, {}, !columnsSent);
      columnsSent = true;
      return JSON.stringify({ type: watchType, object: rendered });
    }
    const body =
      params.representation === 'metadata' && watchType !== 'ERROR'
        ? JSON.stringify(partialMetadata(object))
        : serialize(object);
    return `{"type":"${watchType}","object":${body}}`;
  };

  let corked = false;
  const send = (text: string) => {
    if (!corked) {
      corked = true;
      res.cork();
      process.nextTick(() => {
        corked = false;
        res.uncork();
      });
    }
    res.write(text + '\n');
  };

  const bookmark = (annotations?: Record<string, string>) =>
    send(
      line('BOOKMARK', {
        kind: type.kind,
        apiVersion: apiVersionOf(type),
        metadata: {
          resourceVersion: String(objects.store.revision),
          ...(annotations ? { annotations } : {}),
        },
      } as unknown as StoredObject),
    );

  res.writeHead(200, {
    'Content-Type': 'application/json',
    'Transfer-Encoding': 'chunked',
    'Cache-Control': 'no-cache, private',
  });
  // Clients (client-go, client-node) consider the watch established once headers arrive.
  res.flushHeaders();

  let backlog: StoreEvent[] = [];
  const initial: StoredObject[] = [];
  const resumeFrom = params.resourceVersion;
  try {
    if (!resumeFrom || resumeFrom === '0' || params.sendInitialEvents) {
      initial.push(
        ...objects.list(type, params.namespace, {
          labelSelector: params.labelSelector,
          fieldSelector: params.fieldSelector,
        }).items,
      );
    } else {
      const revision = Number(resumeFrom);
      if (!Number.isInteger(revision))
        throw new ApiError(400, 'BadRequest', `invalid resource version: ${resumeFrom}`);
      backlog = objects.store.log.since(revision).filter((e) => e.storageKey === type.storageKey);
    }
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    res.end(JSON.stringify({ type: 'ERROR', object: error.toStatus() }) + '\n');
    return;
  }

  const deliver = (event: StoreEvent) => {
    if (event.storageKey !== type.storageKey) return;
    const current = served(type, event.object);
    if (!inNamespace(current)) return;
    const previous = event.previous && served(type, event.previous);
    const watchType = translate(event, current, previous, matches);
    if (watchType) send(line(watchType, current));
  };
  /** Live events may be held back behind their write's response (write-order.ts). */
  const deliverLive = (event: StoreEvent) =>
    writeOrder.deliver(() => {
      if (!res.writableEnded) deliver(event);
    });

  for (const object of initial) send(line('ADDED', object));
  if (params.sendInitialEvents && params.allowWatchBookmarks)
    bookmark({ 'k8s.io/initial-events-end': 'true' });
  for (const event of backlog) deliver(event);
  const unsubscribe = objects.store.subscribe(deliverLive);

  const bookmarks = params.allowWatchBookmarks
    ? setInterval(() => bookmark(), settings.bookmarkIntervalMs)
    : undefined;
  const timeout = setTimeout(
    () => {
      if (params.allowWatchBookmarks) bookmark();
      process.nextTick(() => res.end()); // after the corked bookmark is flushed
    },
    (params.timeoutSeconds ?? settings.defaultTimeoutSeconds) * 1000,
  );
  const stop = () => {
    unsubscribe();
    clearInterval(bookmarks);
    clearTimeout(timeout);
  };
  res.on('close', stop);
}

// Gives every HTTP/2 server session in this process a StreamTable for its open streams instead of
// Node's Map (stream-table.ts says why: with a Map, every call's objects outlive young-generation
// collections and the process runs a full GC every few hundred milliseconds under load).
//
// Node has no public hook for this. The session keeps its streams at `session[kState].streams`,
// where kState is a module-private Symbol('state'); the first stream of each session, announced
// on the public `http2.server.stream.created` diagnostics channel, is the moment to swap the Map
// for a table with the same entries. Should a Node release change that shape (no such symbol, or
// `streams` not a map), sessions keep Node's Map: slower to collect, never wrong.
import diagnostics from 'node:diagnostics_channel';
import type { Http2Session, ServerHttp2Stream } from 'node:http2';
import { StreamTable } from './stream-table';

const STREAM_CREATED = 'http2.server.stream.created';

/** What Node keeps there: a SafeMap (a Map whose prototype chain is cut off, so neither
 * `instanceof Map` nor `instanceof Object`), or, once swapped, a StreamTable. */
type Streams = Pick<Map<number, ServerHttp2Stream>, 'forEach' | 'size'>;

interface SessionState {
  streams: Streams | StreamTable<ServerHttp2Stream>;
}

function isNodeStreamMap(streams: unknown): streams is Streams {
  if (typeof streams !== 'object' || streams === null || streams instanceof StreamTable) {
    return false;
  }
  const candidate = streams as Partial<Record<'get' | 'set' | 'delete' | 'forEach', unknown>>;
  return ['get', 'set', 'delete', 'forEach'].every(
    (method) => typeof candidate[method as keyof typeof candidate] === 'function',
  );
}

/** Node's private key of a session's state; null once we know this Node has no usable one. */
let stateKey: symbol | null | undefined;

function findStateKey(session: Http2Session): symbol | null {
  const key = Object.getOwnPropertySymbols(session).find((s) => s.description === 'state');
  if (!key) return null;
  const state = (session as unknown as Record<symbol, Partial<SessionState> | undefined>)[key];
  return isNodeStreamMap(state?.streams) ? key : null;
}

function useStreamTable(message: unknown): void {
  const session = (message as { stream: ServerHttp2Stream }).stream.session;
  if (!session) return;
  stateKey ??= findStateKey(session);
  if (stateKey === null) return;
  const state = (session as unknown as Record<symbol, SessionState>)[stateKey];
  if (!isNodeStreamMap(state.streams)) return;
  const table = new StreamTable<ServerHttp2Stream>();
  state.streams.forEach((stream, id) => table.set(id, stream));
  state.streams = table;
}

let installed = false;

/** Installs the swap for every HTTP/2 server session from now on; calling it again does nothing. */
export function useStreamTablesForHttp2Sessions(): void {
  if (installed) return;
  diagnostics.subscribe(STREAM_CREATED, useStreamTable);
  installed = true;
}

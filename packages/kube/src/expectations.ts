// Remembers the resourceVersion of our own last write per object until the informer has seen it.
// A reconcile that runs before the watch delivers that write would act on a stale copy (and, for a
// VM, repeat an idempotent Create and then lose a 409 race); instead it waits for the event, which
// enqueues the key anyway. Expectations expire, so a missed event can never stall an object.
// A write after which nothing is left to do until the resync is announced before it is made: its
// watch event, the first one after the version it was based on (every status write is conditional
// on that version), needs no reconcile of its own. Another write that got in first makes ours fail
// with a conflict, whose retry reconciles anyway.
//
// The write's response and its watch event race: a real API server often delivers the event
// first, and later events (anyone's) may follow before the response. So a cached copy at or past
// the expected version satisfies the expectation, not only that exact version.
import { keyOf, type KubeObject } from './types';

const DECIMAL = /^[0-9]+$/;

/**
 * Whether `cached` is `expected` or a later version of the same object. resourceVersions are
 * opaque in the API contract, but kube-apiserver's (and the devcluster's) are etcd revisions:
 * decimal integers that only grow. Two such versions compare as integers; anything else compares
 * by equality only, and an expectation that never matches still expires.
 */
export function isAtOrAfter(cached: string | undefined, expected: string): boolean {
  if (cached === expected) return true;
  if (cached === undefined || !DECIMAL.test(cached) || !DECIMAL.test(expected)) return false;
  return BigInt(cached) > BigInt(expected);
}

export class WriteExpectations {
  private readonly pending = new Map<string, { resourceVersion: string; at: number }>();
  /** resourceVersion each announced settling write is based on. */
  private readonly settlingFrom = new Map<string, string>();

  constructor(private readonly ttlMs = 5_000) {}

  expect(obj: KubeObject): void {
    const rv = obj.metadata.resourceVersion;
    if (rv) this.pending.set(keyOf(obj), { resourceVersion: rv, at: Date.now() });
  }

  /** Announces a write based on `obj` after which nothing is left to do until the resync. */
  settling(obj: KubeObject): void {
    const rv = obj.metadata.resourceVersion;
    if (rv) this.settlingFrom.set(keyOf(obj), rv);
  }

  /** The announced write was not made: no change to write, or it failed. */
  notSettling(obj: KubeObject): void {
    this.settlingFrom.delete(keyOf(obj));
  }

  /**
   * Call from the informer for every add/update/delete (`old`: the cached copy it replaces).
   * True when the event is the watch echo of an announced settling write.
   */
  observe(obj: KubeObject, old?: KubeObject): boolean {
    const key = keyOf(obj);
    const expected = this.pending.get(key);
    if (expected && isAtOrAfter(obj.metadata.resourceVersion, expected.resourceVersion)) {
      this.pending.delete(key);
    }
    const from = this.settlingFrom.get(key);
    if (from === undefined) return false;
    this.settlingFrom.delete(key);
    return old !== undefined && old !== obj && old.metadata.resourceVersion === from;
  }

  forget(key: string): void {
    this.pending.delete(key);
    this.settlingFrom.delete(key);
  }

  /** False while the cached copy predates our own last write (and the expectation is fresh). */
  isSatisfied(cached: KubeObject): boolean {
    const key = keyOf(cached);
    const expected = this.pending.get(key);
    if (!expected) return true;
    if (isAtOrAfter(cached.metadata.resourceVersion, expected.resourceVersion)) {
      this.pending.delete(key);
      return true;
    }
    if (Date.now() - expected.at > this.ttlMs) {
      this.pending.delete(key);
      return true;
    }
    // This reconcile waits for the event of our write, so that event must not be skipped.
    this.settlingFrom.delete(key);
    return false;
  }
}

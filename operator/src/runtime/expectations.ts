// Remembers the resourceVersion of our own last write per object until the informer has seen it.
// A reconcile that runs before the watch delivers that write would act on a stale copy (and, for a
// VM, repeat an idempotent Create and then lose a 409 race); instead it waits for the event, which
// enqueues the key anyway. Expectations expire, so a missed event can never stall an object.
import { keyOf, type KubeObject } from '../kube/types';

export class WriteExpectations {
  private readonly pending = new Map<string, { resourceVersion: string; at: number }>();

  constructor(private readonly ttlMs = 5_000) {}

  expect(obj: KubeObject): void {
    const rv = obj.metadata.resourceVersion;
    if (rv) this.pending.set(keyOf(obj), { resourceVersion: rv, at: Date.now() });
  }

  /** Call from the informer for every add/update/delete. */
  observe(obj: KubeObject): void {
    const key = keyOf(obj);
    if (this.pending.get(key)?.resourceVersion === obj.metadata.resourceVersion) {
      this.pending.delete(key);
    }
  }

  forget(key: string): void {
    this.pending.delete(key);
  }

  /** False while the cached copy predates our own last write (and the expectation is fresh). */
  isSatisfied(cached: KubeObject): boolean {
    const key = keyOf(cached);
    const expected = this.pending.get(key);
    if (!expected) return true;
    if (expected.resourceVersion === cached.metadata.resourceVersion) {
      this.pending.delete(key);
      return true;
    }
    if (Date.now() - expected.at > this.ttlMs) {
      this.pending.delete(key);
      return true;
    }
    return false;
  }
}

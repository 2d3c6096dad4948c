// Round robin over a Provider's replica addresses. The list comes fresh from the Service's
// endpoints on every call (replicas come and go); the cursor only has to keep moving so that
// consecutive calls land on different replicas.
export class RoundRobin {
  private cursor = 0;

  /**
   * The next address in rotation that is not `excluded` (already tried by this call), preferring
   * `healthy` ones; undefined when every address was tried.
   */
  pick(
    addresses: readonly string[],
    excluded: ReadonlySet<string>,
    healthy: (address: string) => boolean,
  ): string | undefined {
    const candidates = addresses.filter((a) => !excluded.has(a));
    if (candidates.length === 0) return undefined;
    const preferred = candidates.filter(healthy);
    const pool = preferred.length > 0 ? preferred : candidates;
    const address = pool[this.cursor % pool.length];
    this.cursor = (this.cursor + 1) % Number.MAX_SAFE_INTEGER;
    return address;
  }
}

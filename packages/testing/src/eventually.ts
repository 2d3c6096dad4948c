// Tests wait on real systems (a cluster, a provider process, a hypervisor) that change state
// asynchronously. Polling with a deadline lets a test continue as soon as the state is there,
// instead of sleeping for a guessed time, and fail with a message naming what never happened.
import { setTimeout as delay } from 'node:timers/promises';

export interface EventuallyOptions {
  /** How long the condition may take before the test fails. */
  timeoutMs?: number;
  /** Pause after a miss; it doubles after each miss up to `maxIntervalMs` (stays put when unset). */
  intervalMs?: number;
  maxIntervalMs?: number;
}

/**
 * Calls `check` until it returns something other than `undefined` or `false`, and returns that.
 * A check that throws counts as "not yet"; when the time is up, the error names `what` and the
 * last error seen.
 */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  { timeoutMs = 20_000, intervalMs = 25, maxIntervalMs = intervalMs }: EventuallyOptions = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (let pause = intervalMs; ; pause = Math.min(pause * 2, maxIntervalMs)) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const cause = lastError === undefined ? '' : `: ${String(lastError)}`;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${cause}`, {
        cause: lastError,
      });
    }
    await delay(Math.min(pause, Math.max(0, deadline - Date.now())));
  }
}

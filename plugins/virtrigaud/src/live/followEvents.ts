// Keeps a server-sent events stream open for as long as a page shows live data. A stream that
// ends or breaks (backend restart, proxy timeout, no SSE support at all) is reopened after a
// growing delay, and `onResync` then reloads the data so that nothing missed in between stays
// stale: without a working stream the page still refreshes, at the slowest retry interval.
import type { LiveEvent, VirtrigaudApi } from '@virtrigaud/plugin-virtrigaud-common';

export interface FollowEventsOptions {
  query: { cluster?: string; namespace?: string };
  onEvent: (event: LiveEvent) => void;
  onResync: () => void;
  signal: AbortSignal;
  /** Waits before each reconnect, the last one repeating; defaults to 1 s, 2 s, 5 s, 10 s. */
  retryDelaysMs?: readonly number[];
  /** A stream that stayed open this long counts as healthy: the next retry starts over. */
  healthyAfterMs?: number;
}

const DEFAULT_RETRY_DELAYS_MS = [1000, 2000, 5000, 10000];

export async function followEvents(
  api: Pick<VirtrigaudApi, 'streamEvents'>,
  options: FollowEventsOptions,
): Promise<void> {
  const { query, onEvent, onResync, signal } = options;
  const delays = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  const healthyAfterMs = options.healthyAfterMs ?? 30_000;
  let failures = 0;
  while (!signal.aborted) {
    const openedAt = Date.now();
    try {
      await api.streamEvents(query, onEvent, signal);
    } catch {
      // Same handling as a stream that ended: wait, reconnect, resync.
    }
    if (signal.aborted) return;
    failures = Date.now() - openedAt >= healthyAfterMs ? 0 : failures + 1;
    await abortableDelay(delays[Math.min(failures - 1, delays.length - 1)] ?? 0, signal);
    if (signal.aborted) return;
    onResync();
  }
}

function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}

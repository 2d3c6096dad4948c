// Background work of this process (the SDK's TaskRegistry, keyed "create:<uuid>") outlives the
// RPC that started it; a Create still answers directly when its work is quick.
import type { TaskState } from '@virtrigaud/provider-sdk';

/**
 * The outcome when the work finishes within `ms` (and before the call is cancelled), else undefined:
 * most Creates take tens of milliseconds, and answering them directly spares the caller a TaskStatus
 * round trip, while a slow one (an image download) goes on behind its task.
 */
export async function settledWithin(
  work: Promise<TaskState>,
  ms: number,
  signal?: AbortSignal,
): Promise<TaskState | undefined> {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const giveUp = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
    onAbort = () => resolve(undefined);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([work, giveUp]);
  } finally {
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
  }
}

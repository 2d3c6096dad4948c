// Background work started by this process (a Create that downloads an image can outlive its RPC).
// Keyed by operation and domain, so a retried Create joins the one already running. Only a fast path: TaskStatus answers from the hypervisor when the task is not known here, so any
// replica can resolve it.
export interface Outcome {
  done: boolean;
  error?: string;
}

const KEEP_FINISHED_MS = 10 * 60_000;

export class InflightWork {
  private readonly outcomes = new Map<string, Outcome>();
  private readonly running = new Map<string, Promise<Outcome>>();

  /** Starts `work` unless it runs already; resolves (never rejects) once it finished. */
  start(
    key: string,
    work: () => Promise<unknown>,
    onError: (err: unknown) => void,
  ): Promise<Outcome> {
    const running = this.running.get(key);
    if (running) return running;
    this.outcomes.set(key, { done: false });
    const settled = work().then(
      () => this.finish(key, {}),
      (err: unknown) => {
        onError(err);
        return this.finish(key, { error: err instanceof Error ? err.message : String(err) });
      },
    );
    this.running.set(key, settled);
    return settled;
  }

  get(key: string): Outcome | undefined {
    return this.outcomes.get(key);
  }

  private finish(key: string, outcome: { error?: string }): Outcome {
    const finished = { done: true, ...outcome };
    this.outcomes.set(key, finished);
    this.running.delete(key);
    setTimeout(() => this.outcomes.delete(key), KEEP_FINISHED_MS).unref();
    return finished;
  }
}

/**
 * The outcome when the work finishes within `ms` (and before the call is cancelled), else undefined:
 * most Creates take tens of milliseconds, and answering them directly spares the caller a TaskStatus
 * round trip, while a slow one (an image download) goes on behind its task.
 */
export async function settledWithin(
  work: Promise<Outcome>,
  ms: number,
  signal?: AbortSignal,
): Promise<Outcome | undefined> {
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

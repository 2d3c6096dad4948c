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

  start(key: string, work: () => Promise<unknown>, onError: (err: unknown) => void): void {
    if (this.outcomes.get(key)?.done === false) return;
    this.outcomes.set(key, { done: false });
    work().then(
      () => this.finish(key, {}),
      (err: unknown) => {
        onError(err);
        this.finish(key, { error: err instanceof Error ? err.message : String(err) });
      },
    );
  }

  get(key: string): Outcome | undefined {
    return this.outcomes.get(key);
  }

  private finish(key: string, outcome: { error?: string }) {
    this.outcomes.set(key, { done: true, ...outcome });
    setTimeout(() => this.outcomes.delete(key), KEEP_FINISHED_MS).unref();
  }
}

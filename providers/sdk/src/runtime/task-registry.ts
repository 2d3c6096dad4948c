// Background work a backend started in this process, by key ("create:<vm id>"), for RPCs whose
// work outlives them (a Create that downloads an image). A retried call with the same key joins
// the work already running instead of starting it twice. Finished outcomes are kept for
// `retainMs` (so TaskStatus can report an error message), then forgotten; the number held is
// bounded.
//
// The registry lives in one process. A backend whose Provider runs several replicas must make its
// task ids resolvable elsewhere too (see backend.ts): encode in the id what lets `taskStatus`
// re-derive the outcome from the hypervisor, and use `status()` only as the fast path.
import type { TaskState } from '../backend';
import { ProviderError } from '../errors';

export interface TaskRegistryOptions {
  /** How long a finished outcome stays known (default 10 min). */
  retainMs?: number;
  /** Most entries held at once (default 10,000); beyond it new work is RESOURCE_EXHAUSTED. */
  maxTasks?: number;
}

interface Entry {
  state: TaskState;
  settled: Promise<TaskState>;
  finishedAt?: number;
}

export class TaskRegistry {
  private readonly tasks = new Map<string, Entry>();
  private readonly retainMs: number;
  private readonly maxTasks: number;

  constructor(options: TaskRegistryOptions = {}) {
    this.retainMs = options.retainMs ?? 600_000;
    this.maxTasks = options.maxTasks ?? 10_000;
  }

  get size(): number {
    return this.tasks.size;
  }

  /**
   * Starts `work` under `key` unless work under that key is running already, and resolves (never
   * rejects) with its outcome once it finished; `onError` sees the failure first (to log it).
   */
  start(
    key: string,
    work: () => Promise<unknown>,
    onError?: (err: unknown) => void,
  ): Promise<TaskState> {
    this.expire();
    const current = this.tasks.get(key);
    if (current && !current.state.done) return current.settled;
    if (!current && this.tasks.size >= this.maxTasks) {
      throw new ProviderError('RESOURCE_EXHAUSTED', `too many tasks in flight (${this.maxTasks})`);
    }
    const entry = { state: { done: false } } as Entry;
    const finish = (state: TaskState) => {
      entry.state = state;
      entry.finishedAt = Date.now();
      return state;
    };
    entry.settled = work().then(
      () => finish({ done: true }),
      (err: unknown) => {
        onError?.(err);
        return finish({ done: true, error: err instanceof Error ? err.message : String(err) });
      },
    );
    this.tasks.set(key, entry);
    return entry.settled;
  }

  /** The state of the work under `key`, or undefined when unknown here (never started, expired). */
  status(key: string): TaskState | undefined {
    this.expire();
    return this.tasks.get(key)?.state;
  }

  private expire(): void {
    const cutoff = Date.now() - this.retainMs;
    for (const [key, entry] of this.tasks) {
      if (entry.finishedAt !== undefined && entry.finishedAt < cutoff) this.tasks.delete(key);
    }
  }
}

// For backends whose hypervisor has no task object of its own: runs work in the background under
// a task id and answers TaskStatus for it. Finished tasks are kept for `retainMs` (so a poller
// sees the outcome), then forgotten; the number of tasks is bounded.
//
// The registry lives in one process. A backend whose Provider runs several replicas must make its
// ids resolvable elsewhere too (see backend.ts): encode in the id what lets `taskStatus` re-derive
// the outcome from the hypervisor, and use `status()` only as the fast path.
import { randomUUID } from 'node:crypto';
import type { TaskState } from '../backend';
import { ProviderError } from '../errors';

export interface TaskRegistryOptions {
  /** How long a finished task stays queryable (default 10 min). */
  retainMs?: number;
  /** Most tasks held at once (default 10,000); beyond it new work is RESOURCE_EXHAUSTED. */
  maxTasks?: number;
}

interface Entry {
  state: TaskState;
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

  /** Starts `work` and returns its task id (`prefix` + a random uuid). */
  run(prefix: string, work: () => Promise<void>): string {
    this.expire();
    if (this.tasks.size >= this.maxTasks) {
      throw new ProviderError('RESOURCE_EXHAUSTED', `too many tasks in flight (${this.maxTasks})`);
    }
    const id = `${prefix}${randomUUID()}`;
    const entry: Entry = { state: { done: false } };
    this.tasks.set(id, entry);
    const finish = (error?: string) => {
      entry.state = error === undefined ? { done: true } : { done: true, error };
      entry.finishedAt = Date.now();
    };
    work().then(
      () => finish(),
      (err: unknown) => finish(err instanceof Error ? err.message : String(err)),
    );
    return id;
  }

  /** The task's state, or undefined when it is unknown here (never started, or expired). */
  status(id: string): TaskState | undefined {
    this.expire();
    return this.tasks.get(id)?.state;
  }

  private expire(): void {
    const cutoff = Date.now() - this.retainMs;
    for (const [id, entry] of this.tasks) {
      if (entry.finishedAt !== undefined && entry.finishedAt < cutoff) this.tasks.delete(id);
    }
  }
}

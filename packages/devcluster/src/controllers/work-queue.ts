// The devcluster controllers' queue: the controllers' shared work queue (@virtrigaud/kube, the one
// the manager uses) drained by one synchronous worker. A key added during a store write is
// processed once that write has been reported to every subscriber (the worker resumes on a later
// microtask, never re-entrantly); a failing key is retried with exponential backoff and given up,
// with a process warning, after MAX_RETRIES.
import { ItemExponentialRateLimiter } from '@virtrigaud/kube/rate-limiter';
import { WorkQueue as SharedWorkQueue } from '@virtrigaud/kube/workqueue';

const MAX_RETRIES = 8;

export class WorkQueue {
  private readonly queue = new SharedWorkQueue(
    new ItemExponentialRateLimiter({ baseDelayMs: 20, maxDelayMs: 20 * 2 ** (MAX_RETRIES - 1) }),
  );
  private closed = false;

  constructor(
    private readonly name: string,
    private readonly work: (key: string) => void,
  ) {
    void this.run();
  }

  add(key: string): void {
    this.queue.add(key);
  }

  close(): void {
    this.closed = true;
    this.queue.shutDown();
  }

  private async run(): Promise<void> {
    for (let key = await this.queue.get(); key !== undefined; key = await this.queue.get()) {
      if (this.closed) return;
      try {
        this.work(key);
        this.queue.forget(key);
      } catch (error) {
        this.retryLater(key, error);
      } finally {
        this.queue.done(key);
      }
    }
  }

  private retryLater(key: string, error: unknown): void {
    if (this.queue.retries(key) >= MAX_RETRIES) {
      process.emitWarning(
        `devcluster ${this.name}: giving up on ${key}: ${(error as Error)?.message ?? String(error)}`,
      );
      this.queue.forget(key);
      return;
    }
    this.queue.addRateLimited(key);
  }
}

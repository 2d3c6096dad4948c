// A deduplicating work queue for controllers: keys are processed after the current store write
// has been reported to everyone (never re-entrantly), failures are retried with backoff.
export class WorkQueue {
  private readonly pending = new Set<string>();
  private readonly retries = new Map<string, number>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private scheduled = false;
  private closed = false;

  constructor(
    private readonly name: string,
    private readonly work: (key: string) => void,
  ) {}

  add(key: string): void {
    if (this.closed) return;
    this.pending.add(key);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.drain());
    }
  }

  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.pending.clear();
  }

  private drain(): void {
    this.scheduled = false;
    const keys = [...this.pending];
    this.pending.clear();
    for (const key of keys) {
      if (this.closed) return;
      try {
        this.work(key);
        this.retries.delete(key);
      } catch (error) {
        this.retryLater(key, error);
      }
    }
  }

  private retryLater(key: string, error: unknown): void {
    const attempt = (this.retries.get(key) ?? 0) + 1;
    this.retries.set(key, attempt);
    if (attempt > 8) {
      process.emitWarning(
        `devcluster ${this.name}: giving up on ${key}: ${(error as Error)?.message ?? String(error)}`,
      );
      this.retries.delete(key);
      return;
    }
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        this.add(key);
      },
      10 * 2 ** attempt,
    );
    this.timers.add(timer);
  }
}

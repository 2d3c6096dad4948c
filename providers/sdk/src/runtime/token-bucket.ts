// Token bucket toward the hypervisor (the Provider's rateLimit: qps refill, burst capacity).
// Callers wait their turn in FIFO order; a caller whose call is aborted leaves the queue.
export class TokenBucket {
  private tokens: number;
  private refilledAt = performance.now();
  private readonly waiters: { resolve: () => void; reject: (err: unknown) => void }[] = [];
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly qps: number,
    private readonly burst: number,
  ) {
    this.tokens = burst;
  }

  /** Takes a token if one is free and nobody waits: the common case, without a promise. */
  tryTake(): boolean {
    this.refill();
    if (this.waiters.length > 0 || this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Resolves when a token was taken; rejects with the signal's reason when it aborts first. */
  take(signal: AbortSignal): Promise<void> {
    if (this.tryTake()) return Promise.resolve();
    if (signal.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const waiter = {
        resolve: () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        },
        reject,
      };
      const onAbort = () => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
      this.schedule();
    });
  }

  /** Fails every waiting caller (server shutdown). */
  close(reason: unknown): void {
    clearTimeout(this.timer);
    for (const waiter of this.waiters.splice(0)) waiter.reject(reason);
  }

  private refill(): void {
    const now = performance.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.refilledAt) / 1000) * this.qps);
    this.refilledAt = now;
  }

  private schedule(): void {
    if (this.timer || this.waiters.length === 0) return;
    const waitMs = Math.max(0, ((1 - this.tokens) / this.qps) * 1000);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.refill();
      while (this.waiters.length > 0 && this.tokens >= 1) {
        this.tokens -= 1;
        this.waiters.shift()!.resolve();
      }
      this.schedule();
    }, Math.ceil(waitMs));
  }
}

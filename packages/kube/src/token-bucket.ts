// The repository's one token bucket: `qps` tokens per second, at most `burst` saved up. Two ways to
// use it: `reserve()` takes a token now, going into debt if none is free, and says how long the
// caller must wait (the work queue's overall retry limit); `take()` waits that long itself, in
// FIFO order, and gives the token back when its caller gives up (a provider's rate limit toward the
// hypervisor). Both draw on the same tokens, so a reservation made while others wait comes after
// theirs.
interface Waiter {
  timer: NodeJS.Timeout;
  reject(err: unknown): void;
}

export class TokenBucket {
  private tokens: number;
  private refilledAt = performance.now();
  private readonly waiting = new Set<Waiter>();

  constructor(
    private readonly qps: number,
    private readonly burst: number,
  ) {
    this.tokens = burst;
  }

  /** Takes a token and returns the milliseconds until it is due (0: free now). */
  reserve(): number {
    this.refill();
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens / this.qps) * 1000);
  }

  /** Takes a token if one is free now (none is while callers wait): without a promise. */
  tryTake(): boolean {
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Resolves once a token is due; rejects with the signal's reason when it aborts first. */
  take(signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.reject(signal.reason);
    const waitMs = this.reserve();
    if (waitMs === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        timer: setTimeout(() => {
          this.waiting.delete(waiter);
          signal.removeEventListener('abort', onAbort);
          resolve();
        }, waitMs),
        reject,
      };
      const onAbort = () => {
        this.giveBack(waiter);
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiting.add(waiter);
    });
  }

  /** Fails every waiting caller (shutdown). */
  close(reason: unknown): void {
    for (const waiter of [...this.waiting]) {
      this.giveBack(waiter);
      waiter.reject(reason);
    }
  }

  /** A waiter that will not use its token: it leaves, and the token is free again. */
  private giveBack(waiter: Waiter): void {
    clearTimeout(waiter.timer);
    this.waiting.delete(waiter);
    this.tokens += 1;
  }

  private refill(): void {
    const now = performance.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.refilledAt) / 1000) * this.qps);
    this.refilledAt = now;
  }
}

// How long a failing item waits before its next attempt: the larger of a per-item exponential
// backoff and an overall token bucket, as client-go's DefaultControllerRateLimiter does. The
// per-item part stops one broken object from hot-looping; the bucket caps retries in total.
import { TokenBucket } from './token-bucket';

export interface RateLimiter {
  /** Delay before the next attempt of this item (counts the attempt). */
  when(item: string): number;
  forget(item: string): void;
  retries(item: string): number;
}

export interface ExponentialOptions {
  baseDelayMs: number;
  maxDelayMs: number;
}

export class ItemExponentialRateLimiter implements RateLimiter {
  private readonly failures = new Map<string, number>();

  constructor(private readonly options: ExponentialOptions) {}

  when(item: string): number {
    const count = this.failures.get(item) ?? 0;
    this.failures.set(item, count + 1);
    return Math.min(this.options.maxDelayMs, this.options.baseDelayMs * 2 ** count);
  }

  forget(item: string): void {
    this.failures.delete(item);
  }

  retries(item: string): number {
    return this.failures.get(item) ?? 0;
  }
}

/** An overall limit on retries: a token bucket of `qps` tokens per second, `burst` saved up. */
export class BucketRateLimiter implements RateLimiter {
  private readonly bucket: TokenBucket;

  constructor(qps: number, burst: number) {
    this.bucket = new TokenBucket(qps, burst);
  }

  when(): number {
    return this.bucket.reserve();
  }

  forget(): void {}

  retries(): number {
    return 0;
  }
}

export class MaxOfRateLimiter implements RateLimiter {
  constructor(private readonly limiters: RateLimiter[]) {}

  when(item: string): number {
    return Math.max(...this.limiters.map((l) => l.when(item)));
  }

  forget(item: string): void {
    for (const l of this.limiters) l.forget(item);
  }

  retries(item: string): number {
    return Math.max(...this.limiters.map((l) => l.retries(item)));
  }
}

export function defaultControllerRateLimiter(
  options: Partial<ExponentialOptions> = {},
): RateLimiter {
  return new MaxOfRateLimiter([
    new ItemExponentialRateLimiter({
      baseDelayMs: options.baseDelayMs ?? 5,
      maxDelayMs: options.maxDelayMs ?? 300_000,
    }),
    new BucketRateLimiter(10, 100),
  ]);
}

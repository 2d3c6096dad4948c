// A work queue with client-go's guarantees: an item is queued at most once however often it is
// added (de-duplication), never handed to two workers at the same time (an item added while it is
// processed is re-queued when the worker calls done), can be delayed (addAfter keeps the earliest
// deadline), and retried with the rate limiter's backoff (addRateLimited/forget).
import type { RateLimiter } from './rate-limiter';

export interface QueueObserver {
  depth(value: number): void;
  added(): void;
  retried(): void;
  /** Seconds an item waited in the queue before a worker took it. */
  waited(seconds: number): void;
}

const silent: QueueObserver = { depth() {}, added() {}, retried() {}, waited() {} };

export class WorkQueue {
  private readonly queue: string[] = [];
  private head = 0;
  private readonly dirty = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly enqueuedAt = new Map<string, number>();
  private readonly delayed = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  private readonly waiters: ((item: string | undefined) => void)[] = [];
  private shuttingDown = false;

  constructor(
    private readonly limiter: RateLimiter,
    private readonly observer: QueueObserver = silent,
  ) {}

  add(item: string): void {
    if (this.shuttingDown || this.dirty.has(item)) return;
    this.observer.added();
    this.dirty.add(item);
    if (this.processing.has(item)) return;
    this.push(item);
  }

  addAfter(item: string, delayMs: number): void {
    if (this.shuttingDown) return;
    if (delayMs <= 0) {
      this.add(item);
      return;
    }
    const at = Date.now() + delayMs;
    const existing = this.delayed.get(item);
    if (existing && existing.at <= at) return;
    if (existing) clearTimeout(existing.timer);
    const timer = setTimeout(() => {
      this.delayed.delete(item);
      this.add(item);
    }, delayMs);
    this.delayed.set(item, { at, timer });
  }

  addRateLimited(item: string): void {
    this.observer.retried();
    this.addAfter(item, this.limiter.when(item));
  }

  forget(item: string): void {
    this.limiter.forget(item);
  }

  retries(item: string): number {
    return this.limiter.retries(item);
  }

  /** Waits for the next item; undefined once the queue is shut down. */
  get(): Promise<string | undefined> {
    const item = this.take();
    if (item !== undefined || this.shuttingDown) return Promise.resolve(item);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  done(item: string): void {
    this.processing.delete(item);
    if (this.dirty.has(item)) this.push(item);
  }

  get length(): number {
    return this.queue.length - this.head;
  }

  /** No item queued or being processed (items added with a delay still to come aside). */
  get idle(): boolean {
    return this.length === 0 && this.processing.size === 0;
  }

  shutDown(): void {
    this.shuttingDown = true;
    for (const { timer } of this.delayed.values()) clearTimeout(timer);
    this.delayed.clear();
    for (const waiter of this.waiters.splice(0)) waiter(undefined);
  }

  private push(item: string): void {
    this.enqueuedAt.set(item, Date.now());
    const waiter = this.waiters.shift();
    if (waiter) {
      this.startProcessing(item);
      waiter(item);
      return;
    }
    this.queue.push(item);
    this.observer.depth(this.length);
  }

  private take(): string | undefined {
    if (this.head >= this.queue.length) return undefined;
    const item = this.queue[this.head++];
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    this.observer.depth(this.length);
    this.startProcessing(item);
    return item;
  }

  private startProcessing(item: string): void {
    this.dirty.delete(item);
    this.processing.add(item);
    const at = this.enqueuedAt.get(item);
    this.enqueuedAt.delete(item);
    if (at !== undefined) this.observer.waited((Date.now() - at) / 1000);
  }
}

import { TokenBucket } from './token-bucket';

describe('TokenBucket', () => {
  it('grants the burst at once, then one token per 1/qps seconds, in order', async () => {
    const bucket = new TokenBucket(50, 2);
    const signal = new AbortController().signal;
    const order: number[] = [];
    const started = performance.now();
    await Promise.all([0, 1, 2, 3].map((i) => bucket.take(signal).then(() => order.push(i))));
    expect(order).toEqual([0, 1, 2, 3]);
    // Two tokens beyond the burst at 50/s need at least ~40 ms.
    expect(performance.now() - started).toBeGreaterThanOrEqual(35);
  });

  it('lets an aborted waiter leave with the abort reason, and close() fails the rest', async () => {
    const bucket = new TokenBucket(0.001, 1);
    const signal = new AbortController().signal;
    await bucket.take(signal);
    const controller = new AbortController();
    const waiting = bucket.take(controller.signal);
    controller.abort(new Error('deadline'));
    await expect(waiting).rejects.toThrow('deadline');
    const other = bucket.take(signal);
    bucket.close(new Error('closed'));
    await expect(other).rejects.toThrow('closed');
  });

  it('tryTake() takes a free token at once, but never jumps the queue of waiting callers', async () => {
    const bucket = new TokenBucket(0.001, 2);
    expect(bucket.tryTake()).toBe(true);
    expect(bucket.tryTake()).toBe(true);
    expect(bucket.tryTake()).toBe(false);
    const waiting = bucket.take(new AbortController().signal);
    expect(bucket.tryTake()).toBe(false);
    bucket.close(new Error('closed'));
    await expect(waiting).rejects.toThrow('closed');
  });

  it('reserve() takes a token at once and tells how long it is in debt', () => {
    const bucket = new TokenBucket(10, 2);
    expect([bucket.reserve(), bucket.reserve()]).toEqual([0, 0]);
    const third = bucket.reserve();
    expect(third).toBeGreaterThan(90);
    expect(third).toBeLessThanOrEqual(100);
    expect(bucket.reserve()).toBeGreaterThan(190);
  });

  it('gives the token of a caller who stopped waiting back', async () => {
    const bucket = new TokenBucket(0.001, 1);
    expect(bucket.tryTake()).toBe(true);
    const controller = new AbortController();
    const waiting = bucket.take(controller.signal);
    controller.abort(new Error('deadline'));
    await expect(waiting).rejects.toThrow('deadline');
    // The aborted caller's reservation is undone: the next one waits one token, not two.
    expect(bucket.reserve()).toBeLessThanOrEqual(1_000_000);
  });
});

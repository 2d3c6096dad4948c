import { ItemExponentialRateLimiter } from './rate-limiter';
import { WorkQueue } from './workqueue';

const limiter = () => new ItemExponentialRateLimiter({ baseDelayMs: 5, maxDelayMs: 1000 });

describe('WorkQueue', () => {
  it('queues an item once however often it is added', async () => {
    const queue = new WorkQueue(limiter());
    queue.add('a');
    queue.add('a');
    queue.add('b');
    expect(queue.length).toBe(2);
    expect(await queue.get()).toBe('a');
    expect(await queue.get()).toBe('b');
  });

  it('never hands an item to two workers: an add during processing waits for done', async () => {
    const queue = new WorkQueue(limiter());
    queue.add('a');
    const item = await queue.get();
    queue.add('a');
    expect(queue.length).toBe(0);
    expect(queue.idle).toBe(false);
    queue.done(item!);
    expect(queue.length).toBe(1);
    expect(await queue.get()).toBe('a');
    queue.done('a');
    expect(queue.idle).toBe(true);
  });

  it('wakes a waiting worker when an item arrives', async () => {
    const queue = new WorkQueue(limiter());
    const next = queue.get();
    queue.add('x');
    await expect(next).resolves.toBe('x');
  });

  it('keeps the earliest of several delayed adds', async () => {
    const queue = new WorkQueue(limiter());
    queue.addAfter('a', 60_000);
    queue.addAfter('a', 10);
    await expect(queue.get()).resolves.toBe('a');
    queue.shutDown();
  });

  it('backs off a failing item exponentially and resets on forget', () => {
    const rl = limiter();
    expect([rl.when('a'), rl.when('a'), rl.when('a'), rl.when('b')]).toEqual([5, 10, 20, 5]);
    rl.forget('a');
    expect(rl.when('a')).toBe(5);
    for (let i = 0; i < 20; i++) rl.when('c');
    expect(rl.when('c')).toBe(1000);
  });

  it('releases waiting workers on shutdown', async () => {
    const queue = new WorkQueue(limiter());
    const next = queue.get();
    queue.shutDown();
    await expect(next).resolves.toBeUndefined();
  });
});

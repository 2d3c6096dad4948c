import { TaskRegistry } from './task-registry';

/** Work that finishes when the test says so. */
function controlled() {
  let resolve!: () => void;
  let reject!: (err: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { work: () => promise, resolve, reject };
}

describe('TaskRegistry', () => {
  it('tracks many concurrent tasks to their outcome', async () => {
    const registry = new TaskRegistry();
    const works = Array.from({ length: 1000 }, () => controlled());
    const settled = works.map((w, i) => registry.start(`create:${i}`, w.work));
    expect(registry.status('create:1')).toEqual({ done: false });
    works.forEach((w, i) => (i % 10 ? w.resolve() : w.reject(new Error(`boom ${i}`))));
    await Promise.all(settled);
    expect(registry.status('create:1')).toEqual({ done: true });
    expect(registry.status('create:10')).toEqual({ done: true, error: 'boom 10' });
    expect(registry.status('unknown')).toBeUndefined();
  });

  it('joins a retried call to the work already running instead of starting it again', async () => {
    const registry = new TaskRegistry();
    const first = controlled();
    const second = jest.fn(async () => undefined);
    const a = registry.start('create:vm-1', first.work);
    const b = registry.start('create:vm-1', second);
    first.resolve();
    expect(await b).toEqual({ done: true });
    expect(await a).toEqual({ done: true });
    expect(second).not.toHaveBeenCalled();
  });

  it('starts the work again once the earlier attempt failed, and reports the failure first', async () => {
    const registry = new TaskRegistry();
    const onError = jest.fn();
    await registry.start(
      'create:vm-1',
      async () => Promise.reject(new Error('disk full')),
      onError,
    );
    expect(onError).toHaveBeenCalledWith(new Error('disk full'));
    expect(registry.status('create:vm-1')).toEqual({ done: true, error: 'disk full' });
    expect(await registry.start('create:vm-1', async () => undefined)).toEqual({ done: true });
  });

  it('forgets finished tasks after the retention time and bounds how many it holds', async () => {
    const registry = new TaskRegistry({ retainMs: -1, maxTasks: 2 });
    await registry.start('done', async () => undefined);
    registry.start('running-1', () => new Promise(() => undefined));
    expect(registry.status('done')).toBeUndefined();
    registry.start('running-2', () => new Promise(() => undefined));
    expect(() => registry.start('one-too-many', async () => undefined)).toThrow('too many tasks');
  });
});

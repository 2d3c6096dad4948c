import { TaskRegistry } from './task-registry';

describe('TaskRegistry', () => {
  it('tracks many concurrent tasks to their outcome', async () => {
    const registry = new TaskRegistry();
    const releases: (() => void)[] = [];
    const ids = Array.from({ length: 1000 }, (_, i) =>
      registry.run(
        't-',
        () =>
          new Promise<void>((resolve, reject) =>
            releases.push(i % 10 ? resolve : () => reject(new Error(`boom ${i}`))),
          ),
      ),
    );
    expect(new Set(ids).size).toBe(1000);
    expect(registry.status(ids[1])).toEqual({ done: false });
    releases.forEach((release) => release());
    await new Promise((resolve) => setImmediate(resolve));
    expect(registry.status(ids[1])).toEqual({ done: true });
    expect(registry.status(ids[10])).toEqual({ done: true, error: 'boom 10' });
    expect(registry.status('unknown')).toBeUndefined();
  });

  it('forgets finished tasks after the retention time and bounds how many it holds', async () => {
    const registry = new TaskRegistry({ retainMs: 0, maxTasks: 2 });
    const done = registry.run('t-', async () => undefined);
    registry.run('t-', () => new Promise(() => undefined));
    await new Promise((resolve) => setTimeout(resolve, 2));
    expect(registry.status(done)).toBeUndefined();
    registry.run('t-', () => new Promise(() => undefined));
    expect(() => registry.run('t-', async () => undefined)).toThrow('too many tasks');
  });
});

// The write/watch order: whichever goes first, watch events keep their commit order.
import { eventOrderFromEnvironment, WriteOrder } from './write-order';

it('keeps events in commit order whether each write answers before or after them', async () => {
  const firsts = new Set<string>();
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    const order = new WriteOrder({ seed });
    const log: string[] = [];
    const write = (name: string) =>
      order.write(
        () => {
          order.deliver(() => log.push(`event ${name}`));
          return name;
        },
        (result) => log.push(`response ${result}`),
      );
    await Promise.all([write('a'), write('b'), write('c')]);
    order.deliver(() => log.push('event d'));
    expect(log.filter((l) => l.startsWith('event'))).toEqual([
      'event a',
      'event b',
      'event c',
      'event d',
    ]);
    firsts.add(log.find((l) => l.endsWith(' a'))!.split(' ')[0]);
  }
  expect([...firsts].sort()).toEqual(['event', 'response']);
});

it('holds nothing back without a seed: events go out as they are committed', async () => {
  const order = new WriteOrder();
  const log: string[] = [];
  await order.write(
    () => order.deliver(() => log.push('event')),
    () => log.push('response'),
  );
  expect(log).toEqual(['event', 'response']);
});

it('reads the seed from DEVCLUSTER_EVENT_ORDER_SEED and refuses anything but an integer', () => {
  expect(eventOrderFromEnvironment({})).toBe('response-first');
  expect(eventOrderFromEnvironment({ DEVCLUSTER_EVENT_ORDER_SEED: '42' })).toEqual({ seed: 42 });
  expect(() => eventOrderFromEnvironment({ DEVCLUSTER_EVENT_ORDER_SEED: 'soon' })).toThrow(
    'DEVCLUSTER_EVENT_ORDER_SEED must be a non-negative integer, got "soon"',
  );
});

import { RingBuffer } from './ring-buffer';

it('keeps the most recent items, oldest first, once full', () => {
  const buffer = new RingBuffer<number>(3);
  buffer.push(1);
  buffer.push(2);
  expect(buffer.toArray()).toEqual([1, 2]);
  for (const n of [3, 4, 5]) buffer.push(n);
  expect(buffer.toArray()).toEqual([3, 4, 5]);
});

it('rejects a capacity that is not a positive integer, naming it', () => {
  expect(() => new RingBuffer(0)).toThrow('capacity must be a positive integer, got 0');
});

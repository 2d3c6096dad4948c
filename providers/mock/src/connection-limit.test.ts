// The bound on calls in service per connection: first come first served, and a call aborted
// while waiting leaves the line without taking a turn.
import { ConnectionLimit } from './connection-limit';

/** A call that stays in service until `finish()`; `started` tells whether it got a slot. */
function heldCall(limit: ConnectionLimit, signal = new AbortController().signal) {
  let finish!: () => void;
  const call = { started: false, finish: () => finish(), done: undefined as unknown };
  call.done = limit.run(signal, () => {
    call.started = true;
    return new Promise<void>((resolve) => (finish = resolve));
  });
  return call;
}

/** Lets every settled promise's callbacks run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('ConnectionLimit', () => {
  it('serves waiting calls in the order they came as slots free up', async () => {
    const limit = new ConnectionLimit(2);
    const calls = Array.from({ length: 5 }, () => heldCall(limit));
    await settle();
    expect(calls.map((c) => c.started)).toEqual([true, true, false, false, false]);
    calls[1].finish();
    await settle();
    expect(calls.map((c) => c.started)).toEqual([true, true, true, false, false]);
    calls[0].finish();
    await settle();
    expect(calls.map((c) => c.started)).toEqual([true, true, true, true, false]);
  });

  it('drops a call aborted while waiting: it fails with its reason and the next call gets the slot', async () => {
    const limit = new ConnectionLimit(1);
    const first = heldCall(limit);
    const abandoned = new AbortController();
    const second = heldCall(limit, abandoned.signal);
    const third = heldCall(limit);
    abandoned.abort(new Error('deadline passed'));
    await expect(second.done).rejects.toThrow('deadline passed');
    first.finish();
    await settle();
    expect([second.started, third.started]).toEqual([false, true]);
  });

  it('does not start a call whose signal is already aborted', async () => {
    const limit = new ConnectionLimit(1);
    await expect(limit.run(AbortSignal.abort(new Error('gone')), async () => 1)).rejects.toThrow(
      'gone',
    );
  });
});

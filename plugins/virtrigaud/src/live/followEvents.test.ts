import type { LiveEvent } from '@virtrigaud/plugin-virtrigaud-common';
import { followEvents } from './followEvents';

describe('followEvents', () => {
  it('reconnects after the stream ends or fails, resyncing each time, until aborted', async () => {
    const abort = new AbortController();
    const outcomes = ['end', 'fail', 'hold'];
    const delivered: LiveEvent[] = [];
    let resyncs = 0;
    const api = {
      streamEvents: jest.fn(
        async (_q: unknown, onEvent: (e: LiveEvent) => void, signal: AbortSignal) => {
          const outcome = outcomes.shift();
          onEvent({
            type: 'vm.deleted',
            ref: {
              cluster: 'c',
              namespace: 'n',
              name: `call-${api.streamEvents.mock.calls.length}`,
            },
          });
          if (outcome === 'fail') throw new Error('connection reset');
          if (outcome === 'hold') {
            abort.abort();
            return;
          }
          void signal;
        },
      ),
    };
    await followEvents(api, {
      query: { cluster: 'c' },
      onEvent: (event) => delivered.push(event),
      onResync: () => resyncs++,
      signal: abort.signal,
      retryDelaysMs: [0],
    });
    expect(api.streamEvents).toHaveBeenCalledTimes(3);
    expect(delivered).toHaveLength(3);
    expect(resyncs).toBe(2);
  });
});

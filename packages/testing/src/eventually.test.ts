import { eventually } from './eventually';

it('returns the first value that is neither undefined nor false, zero and empty strings included', async () => {
  const answers = [undefined, false, 0];
  await expect(eventually('a number', () => answers.shift())).resolves.toBe(0);
  await expect(eventually('an empty string', () => '')).resolves.toBe('');
});

it('treats a throwing check as not yet, and keeps polling', async () => {
  let calls = 0;
  const value = await eventually('the third call', () => {
    calls += 1;
    if (calls < 3) throw new Error(`call ${calls} failed`);
    return 'ready';
  });
  expect(value).toBe('ready');
  expect(calls).toBe(3);
});

it('fails after the timeout, naming what it waited for and the last error', async () => {
  let calls = 0;
  const failure = eventually(
    'the door to open',
    () => {
      calls += 1;
      throw new Error(`locked (attempt ${calls})`);
    },
    { timeoutMs: 100, intervalMs: 5 },
  );
  await expect(failure).rejects.toThrow(
    /^timed out after 100 ms waiting for the door to open: Error: locked \(attempt \d+\)$/,
  );
  expect(calls).toBeGreaterThan(1);
});

it('doubles the pause between checks up to maxIntervalMs', async () => {
  const checkedAt: number[] = [];
  await expect(
    eventually(
      'never',
      () => {
        checkedAt.push(performance.now());
        return false;
      },
      { timeoutMs: 600, intervalMs: 10, maxIntervalMs: 40 },
    ),
  ).rejects.toThrow('timed out after 600 ms waiting for never');
  const pauses = checkedAt.slice(1).map((at, i) => at - checkedAt[i]);
  // Timers never fire early; the pauses grow 10, 20, 40 and then stay at 40.
  expect(pauses[0]).toBeGreaterThanOrEqual(9);
  expect(pauses[1]).toBeGreaterThanOrEqual(19);
  expect(pauses[2]).toBeGreaterThanOrEqual(39);
  // Capped at 40 ms, 600 ms hold about 16 checks; uncapped (10, 20, 40, 80, 160, 320) at most 7.
  expect(checkedAt.length).toBeGreaterThan(10);
});

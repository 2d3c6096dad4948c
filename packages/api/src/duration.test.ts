import { parseDuration } from './duration';

describe('parseDuration', () => {
  it.each([
    ['250ms', 250],
    ['90s', 90_000],
    ['1.5s', 1_500],
    ['5m', 300_000],
    ['1h30m', 5_400_000],
    ['1m30s500ms', 90_500],
  ])('%s is %d ms', (text, ms) => {
    expect(parseDuration(text, 'timeout')).toBe(ms);
  });

  it.each(['', '10', '5 m', '-5s', '1d', 's', '1h 30m'])('refuses %j, naming the field', (text) => {
    expect(() => parseDuration(text, 'spec.timeout')).toThrow(
      /^spec\.timeout: ".*" is not a duration/,
    );
  });
});

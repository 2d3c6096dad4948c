import { RoundRobin } from './round-robin';

const all = ['a:1', 'b:1', 'c:1'];
const anyHealthy = () => true;

describe('RoundRobin', () => {
  it('rotates over the addresses', () => {
    const rr = new RoundRobin();
    const picks = Array.from({ length: 6 }, () => rr.pick(all, new Set(), anyHealthy));
    expect(picks).toEqual(['a:1', 'b:1', 'c:1', 'a:1', 'b:1', 'c:1']);
  });

  it('skips the addresses a call already tried, and says when none is left', () => {
    const rr = new RoundRobin();
    expect(rr.pick(all, new Set(['a:1', 'b:1']), anyHealthy)).toBe('c:1');
    expect(rr.pick(all, new Set(all), anyHealthy)).toBeUndefined();
  });

  it('prefers healthy replicas, and uses an unhealthy one rather than none', () => {
    const rr = new RoundRobin();
    const healthy = (a: string) => a !== 'b:1';
    const picks = Array.from({ length: 4 }, () => rr.pick(all, new Set(), healthy));
    expect(picks).not.toContain('b:1');
    expect(rr.pick(['b:1'], new Set(), healthy)).toBe('b:1');
  });
});

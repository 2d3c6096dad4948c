import type { KubeObject } from './types';
import { isAtOrAfter, WriteExpectations } from './expectations';

const vm = (resourceVersion: string): KubeObject => ({
  metadata: { namespace: 'default', name: 'web', resourceVersion },
});

describe('WriteExpectations', () => {
  it('holds a reconcile back until the cache has our last write', () => {
    const expectations = new WriteExpectations();
    expectations.expect(vm('2'));
    expect(expectations.isSatisfied(vm('1'))).toBe(false);
    expectations.observe(vm('2'), vm('1'));
    expect(expectations.isSatisfied(vm('2'))).toBe(true);
  });

  it('is satisfied when the watch delivered our write, and a later one, before our write returned', () => {
    const expectations = new WriteExpectations();
    expectations.observe(vm('2'), vm('1'));
    expectations.observe(vm('3'), vm('2'));
    expectations.expect(vm('2'));
    expect(expectations.isSatisfied(vm('3'))).toBe(true);
  });

  it('is satisfied by a later event even when the write returned first', () => {
    const expectations = new WriteExpectations();
    expectations.expect(vm('9'));
    expectations.observe(vm('10'), vm('8'));
    expect(expectations.isSatisfied(vm('10'))).toBe(true);
  });

  it('gives up waiting once the expectation is older than its TTL', () => {
    const expectations = new WriteExpectations(-1);
    expectations.expect(vm('2'));
    expect(expectations.isSatisfied(vm('1'))).toBe(true);
  });

  it('recognises the echo of an announced settling write, once, however late the write returns', () => {
    const expectations = new WriteExpectations();
    expectations.settling(vm('1'));
    // The watch may deliver the write before its own response arrives.
    expect(expectations.observe(vm('2'), vm('1'))).toBe(true);
    expectations.expect(vm('2'));
    expect(expectations.observe(vm('3'), vm('2'))).toBe(false);
  });

  it('lets every event through once the write is known not to have been made', () => {
    const expectations = new WriteExpectations();
    expectations.settling(vm('1'));
    expectations.notSettling(vm('1'));
    expect(expectations.observe(vm('2'), vm('1'))).toBe(false);
  });

  it('keeps the event of a settling write that a waiting reconcile needs', () => {
    const expectations = new WriteExpectations();
    expectations.settling(vm('1'));
    expectations.expect(vm('2'));
    // A reconcile found the cache stale and now relies on the write's event to run again.
    expect(expectations.isSatisfied(vm('1'))).toBe(false);
    expect(expectations.observe(vm('2'), vm('1'))).toBe(false);
  });

  it('takes neither an informer resync nor an add for the echo', () => {
    const expectations = new WriteExpectations();
    expectations.settling(vm('1'));
    const cached = vm('1');
    expect(expectations.observe(cached, cached)).toBe(false);
    expectations.settling(vm('1'));
    expect(expectations.observe(vm('2'))).toBe(false);
  });
});

describe('isAtOrAfter', () => {
  it('compares etcd revisions as integers, not as text', () => {
    expect(isAtOrAfter('10', '9')).toBe(true);
    expect(isAtOrAfter('9', '10')).toBe(false);
    expect(isAtOrAfter('12345678901234567890', '12345678901234567889')).toBe(true);
  });

  it('treats versions that are not decimal integers as opaque: only the same one matches', () => {
    expect(isAtOrAfter('b', 'a')).toBe(false);
    expect(isAtOrAfter('a', 'a')).toBe(true);
    expect(isAtOrAfter(undefined, '1')).toBe(false);
  });
});

// What Power may skip re-reading: only what was seen, for a limited time, within a bounded size.
import { ManagedVmIds } from './managed-vm-ids';

const UUID = '2f1d6f0e-8d4c-8a4e-9b1a-0c6f1e2d3a4b';

describe('ManagedVmIds', () => {
  it('remembers a UUID until it is forgotten or its time is up', () => {
    let now = 0;
    const ids = new ManagedVmIds(() => now);
    expect(ids.has(UUID)).toBe(false);
    ids.remember(UUID);
    expect(ids.has(UUID)).toBe(true);
    ids.forget(UUID);
    expect(ids.has(UUID)).toBe(false);
    ids.remember(UUID);
    now += 10 * 60_000;
    expect(ids.has(UUID)).toBe(false);
  });

  it('drops the oldest UUID beyond its size bound', () => {
    const ids = new ManagedVmIds();
    const uuids = Array.from({ length: 10_001 }, (_, i) => `uuid-${i}`);
    for (const uuid of uuids) ids.remember(uuid);
    expect(ids.has(uuids[0])).toBe(false);
    expect(ids.has(uuids[1])).toBe(true);
    expect(ids.has(uuids[10_000])).toBe(true);
  });
});

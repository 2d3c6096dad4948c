import { StreamTable } from './stream-table';

/** Client stream ids: consecutive odd numbers. */
const clientIds = (count: number) => Array.from({ length: count }, (_, i) => 2 * i + 1);

/** The table's entries, for comparing with a Map. */
function entries(table: StreamTable<string>): [number, string][] {
  const seen: [number, string][] = [];
  table.forEach((stream, id) => seen.push([id, stream]));
  return seen.sort(([a], [b]) => a - b);
}

describe('StreamTable', () => {
  it('finds every stream by id as it grows past its initial size', () => {
    const table = new StreamTable<string>();
    for (const id of clientIds(500)) table.set(id, `s${id}`);
    expect(table.size).toBe(500);
    expect(clientIds(500).every((id) => table.get(id) === `s${id}`)).toBe(true);
    expect(table.get(2)).toBeUndefined();
    expect(table.get(1001)).toBeUndefined();
  });

  it('replaces the stream of an id already present without counting it twice', () => {
    const table = new StreamTable<string>();
    table.set(7, 'old').set(7, 'new');
    expect(table.size).toBe(1);
    expect(table.get(7)).toBe('new');
  });

  it('says whether a delete removed anything', () => {
    const table = new StreamTable<string>().set(1, 'a');
    expect(table.delete(3)).toBe(false);
    expect(table.delete(1)).toBe(true);
    expect(table.delete(1)).toBe(false);
    expect(table.size).toBe(0);
  });

  it('agrees with a Map through a long run of colliding inserts and deletes', () => {
    // Ids 128 apart share a home slot at the initial size, so deletes have chains to repair.
    const table = new StreamTable<string>();
    const model = new Map<number, string>();
    let seed = 42;
    const random = (below: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % below;
    };
    for (let step = 0; step < 20_000; step += 1) {
      const id = 1 + 2 * random(24) + 128 * random(4);
      if (random(3) === 0) {
        expect(table.delete(id)).toBe(model.delete(id));
      } else {
        table.set(id, `s${step}`);
        model.set(id, `s${step}`);
      }
      expect(table.size).toBe(model.size);
    }
    expect(entries(table)).toEqual([...model.entries()].sort(([a], [b]) => a - b));
  });

  it('visits each stream once, and not one that an earlier visit deleted, as Map.forEach does', () => {
    const table = new StreamTable<string>();
    for (const id of clientIds(10)) table.set(id, `s${id}`);
    const visited: number[] = [];
    table.forEach((_, id) => {
      visited.push(id);
      table.delete(id);
      if (id === 1) table.delete(19);
    });
    expect(visited.sort((a, b) => a - b)).toEqual(clientIds(9));
    expect(table.size).toBe(0);
  });
});

// A table of HTTP/2 streams by stream id that leaves no pointer behind when a stream leaves it.
//
// Node keeps each session's open streams in a Map. A Map whose entries come and go rehashes
// into a fresh hash table every few dozen streams, and V8 keeps the contents of each table it
// replaces (for iterators that might still walk it). Once a session has lived through a full GC,
// those replaced tables are old-generation garbage that still points at the streams they held,
// and a young-generation collection (scavenge) treats every such pointer as a root: each stream,
// with everything it references, survives into the old generation, which then fills at the rate
// of the calls and costs a full GC every few hundred milliseconds under load.
//
// This table is open addressing over two fixed arrays, with backward-shift deletion instead of
// tombstones: a stream that leaves has its slot cleared, and when the arrays grow, the old ones
// are cleared too. It offers exactly what Node's HTTP/2 core calls on `session[kState].streams`
// (lib/internal/http2/core.js in Node 24: get, set, delete, size, forEach).

/** Stream ids are positive 31-bit integers (RFC 9113 §5.1.1), so 0 marks an empty slot. */
const EMPTY = 0;
const INITIAL_CAPACITY = 64;

export class StreamTable<T> {
  private ids = new Int32Array(INITIAL_CAPACITY);
  private streams = new Array<T | undefined>(INITIAL_CAPACITY).fill(undefined);
  private count = 0;

  get size(): number {
    return this.count;
  }

  get(id: number): T | undefined {
    const slot = this.slotOf(id);
    return slot < 0 ? undefined : this.streams[slot];
  }

  set(id: number, stream: T): this {
    let slot = this.slotOf(id);
    if (slot < 0) {
      // At most half full, so probe chains stay short.
      if ((this.count + 1) * 2 > this.ids.length) this.grow();
      slot = this.home(id);
      while (this.ids[slot] !== EMPTY) slot = this.next(slot);
      this.ids[slot] = id;
      this.count += 1;
    }
    this.streams[slot] = stream;
    return this;
  }

  delete(id: number): boolean {
    let hole = this.slotOf(id);
    if (hole < 0) return false;
    // Pull later entries of the probe chain back into the hole, so that every entry stays
    // reachable from its home slot without leaving a tombstone.
    for (let slot = this.next(hole); this.ids[slot] !== EMPTY; slot = this.next(slot)) {
      if (this.distance(this.home(this.ids[slot]), slot) >= this.distance(hole, slot)) {
        this.ids[hole] = this.ids[slot];
        this.streams[hole] = this.streams[slot];
        hole = slot;
      }
    }
    this.ids[hole] = EMPTY;
    this.streams[hole] = undefined;
    this.count -= 1;
    return true;
  }

  /** Calls `visit` for each stream, as Map.forEach does: a stream deleted by an earlier visit
   * (a session destroying its streams) is not visited. */
  forEach(visit: (stream: T, id: number) => void): void {
    const ids = Array.from(this.ids).filter((id) => id !== EMPTY);
    for (const id of ids) {
      const stream = this.get(id);
      if (stream !== undefined) visit(stream, id);
    }
  }

  private slotOf(id: number): number {
    for (let slot = this.home(id); this.ids[slot] !== EMPTY; slot = this.next(slot)) {
      if (this.ids[slot] === id) return slot;
    }
    return -1;
  }

  /** Client-initiated streams have consecutive odd ids, so id / 2 spreads them over the slots. */
  private home(id: number): number {
    return (id >>> 1) & (this.ids.length - 1);
  }

  private next(slot: number): number {
    return (slot + 1) & (this.ids.length - 1);
  }

  private distance(from: number, to: number): number {
    return (to - from) & (this.ids.length - 1);
  }

  private grow(): void {
    const { ids, streams } = this;
    this.ids = new Int32Array(ids.length * 2);
    this.streams = new Array<T | undefined>(ids.length * 2).fill(undefined);
    this.count = 0;
    ids.forEach((id, slot) => {
      if (id !== EMPTY) this.set(id, streams[slot] as T);
    });
    // The old array may already be in the old generation: leave it pointing at nothing.
    streams.fill(undefined);
  }
}

// The recent history of changes, for watches that resume from a resourceVersion. Older changes
// are forgotten; a watch from before the window gets 410 Gone, like etcd compaction.
import { gone } from '../api/errors';
import type { StoreEvent } from './store';

export class EventLog {
  private readonly ring: StoreEvent[] = [];
  private start = 0;
  /** The newest revision no longer in the log (watching from before it is impossible). */
  private forgottenUpTo: number;

  constructor(
    private readonly capacity: number,
    startRevision: number,
  ) {
    this.forgottenUpTo = startRevision;
  }

  append(event: StoreEvent): void {
    if (this.ring.length - this.start >= this.capacity) {
      this.forgottenUpTo = this.ring[this.start].revision;
      this.start++;
      // Compact the array now and then instead of shifting on every append.
      if (this.start > this.capacity) {
        this.ring.splice(0, this.start);
        this.start = 0;
      }
    }
    this.ring.push(event);
  }

  /** Every event after `revision`, oldest first; throws 410 Gone if some were forgotten. */
  since(revision: number): StoreEvent[] {
    if (revision < this.forgottenUpTo) {
      throw gone(`too old resource version: ${revision} (${this.forgottenUpTo + 1})`);
    }
    let low = this.start;
    let high = this.ring.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.ring[mid].revision <= revision) low = mid + 1;
      else high = mid;
    }
    return this.ring.slice(low);
  }
}

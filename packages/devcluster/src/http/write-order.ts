// The order in which a client sees a write's response and the watch events the write causes.
// A real API server has no such order: its watch cache often delivers the event before the
// writer gets its response. By default the devcluster answers first (the event follows within
// the same turn of the event loop); with a seed it draws the order per write from a seeded
// PRNG, holding back either the response or the events, so that code assuming one order fails
// here too, reproducibly.
import { unsafeUniformIntDistribution, xoroshiro128plus } from 'pure-rand';

/** `'response-first'`, or `{ seed }` to draw each write's order from a PRNG seeded so. */
export type EventOrder = 'response-first' | { seed: number };

/**
 * The order DEVCLUSTER_EVENT_ORDER_SEED asks for, so any suite running a devcluster can draw
 * the order without code changes; response first when it is unset.
 */
export function eventOrderFromEnvironment(env: NodeJS.ProcessEnv = process.env): EventOrder {
  const seed = env.DEVCLUSTER_EVENT_ORDER_SEED;
  if (seed === undefined || seed === '') return 'response-first';
  if (!/^\d+$/.test(seed))
    throw new Error(
      `DEVCLUSTER_EVENT_ORDER_SEED must be a non-negative integer, got ${JSON.stringify(seed)}`,
    );
  return { seed: Number(seed) };
}

/** How long the second of the two waits, so the client has received the first. */
const HOLD_MS = 5;

interface Batch {
  ready: boolean;
  sends: (() => void)[];
}

const hold = () => new Promise((resolve) => setTimeout(resolve, HOLD_MS));

export class WriteOrder {
  /** Draws 0 (events first) or 1 (response first) per write; absent: always response first. */
  private readonly draw?: () => number;
  /** The batch collecting the events of the write being committed right now. */
  private current?: Batch;
  /** Event batches in commit order; a batch held back holds back every later one. */
  private readonly queue: Batch[] = [];

  constructor(order: EventOrder = 'response-first') {
    if (order === 'response-first') return;
    const generator = xoroshiro128plus(order.seed);
    this.draw = () => unsafeUniformIntDistribution(0, 1, generator);
  }

  /** Every watch sends its live events through here, so they keep the commit order. */
  deliver(send: () => void): void {
    if (this.current) this.current.sends.push(send);
    else if (this.queue.length) this.queue.push({ ready: true, sends: [send] });
    else send();
  }

  /** Commits a write and sends its response, before or after its watch events. */
  async write<T>(commit: () => T, respond: (result: T) => void): Promise<void> {
    if (!this.draw) return respond(commit());
    const batch: Batch = { ready: false, sends: [] };
    this.current = batch;
    this.queue.push(batch);
    let result: T;
    try {
      result = commit();
    } catch (error) {
      this.release(batch); // what a failed write did commit goes out at once
      throw error;
    } finally {
      this.current = undefined;
    }
    if (this.draw() === 0) {
      this.release(batch);
      if (batch.sends.length) await hold();
      respond(result);
    } else {
      respond(result);
      if (batch.sends.length) await hold();
      this.release(batch);
    }
  }

  private release(batch: Batch): void {
    batch.ready = true;
    while (this.queue[0]?.ready) for (const send of this.queue.shift()!.sends) send();
  }
}

// How many calls one provider process has in service at the hypervisor at once. A provider holds
// one connection (session) to its hypervisor, and hypervisors serve a bounded number of requests
// per client connection (libvirtd's max_client_requests, 5 by default; a vCenter session
// likewise), so one replica's throughput is bounded however many calls it accepts. Calls beyond
// the bound wait their turn, first come first served; a call aborted while waiting leaves the line.
export class ConnectionLimit {
  private inService = 0;
  /** Waiting calls in arrival order (a Set keeps insertion order and deletes in O(1)). */
  private readonly waiting = new Set<() => void>();

  constructor(private readonly concurrency: number) {
    if (!(concurrency >= 1))
      throw new Error(`connection concurrency must be at least 1, got ${concurrency}`);
  }

  /** Runs `call` once one of the connection's request slots is free; holds the slot meanwhile. */
  async run<T>(signal: AbortSignal, call: () => Promise<T>): Promise<T> {
    await this.take(signal);
    try {
      return await call();
    } finally {
      this.giveBack();
    }
  }

  private take(signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    if (this.inService < this.concurrency) {
      this.inService += 1;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const turn = () => {
        signal.removeEventListener('abort', leave);
        resolve();
      };
      const leave = () => {
        this.waiting.delete(turn);
        reject(signal.reason);
      };
      this.waiting.add(turn);
      signal.addEventListener('abort', leave, { once: true });
    });
  }

  /** Hands the slot to the longest waiting call, or frees it. */
  private giveBack(): void {
    const [next] = this.waiting;
    if (next) {
      this.waiting.delete(next);
      next();
    } else {
      this.inService -= 1;
    }
  }
}

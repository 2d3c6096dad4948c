// Serialises, within this process, the operations that change which volume is layered on which:
// freezing a VM's disk for a linked clone and removing bases no longer used. Without it a Delete
// could find a base unused in the moment between a clone freezing it and layering on it.
export class ChainLock {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(work: () => Promise<T>): Promise<T> {
    const result = this.tail.then(work, work);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

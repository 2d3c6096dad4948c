// The calls in flight, as a list linked through the calls themselves.
//
// Not a Set, on purpose: a Set with calls coming and going leaves replaced hash tables that keep
// finished calls reachable from the old generation (stream-table.ts explains how, for Node's
// HTTP/2 streams Map). A linked list allocates nothing and leaves no pointer behind: a call that
// leaves is unlinked and its own links are cleared.

/** What a call carries to be on the list. */
export interface InFlightLinks<T> {
  previousInFlight?: T;
  nextInFlight?: T;
}

export class InFlightCalls<T extends InFlightLinks<T>> {
  private head?: T;
  private count = 0;

  get size(): number {
    return this.count;
  }

  add(call: T): void {
    call.nextInFlight = this.head;
    if (this.head) this.head.previousInFlight = call;
    this.head = call;
    this.count += 1;
  }

  /** Takes the call off the list; a call not on it is left alone. */
  delete(call: T): void {
    if (call.previousInFlight) call.previousInFlight.nextInFlight = call.nextInFlight;
    else if (this.head === call) this.head = call.nextInFlight;
    else return;
    if (call.nextInFlight) call.nextInFlight.previousInFlight = call.previousInFlight;
    call.previousInFlight = undefined;
    call.nextInFlight = undefined;
    this.count -= 1;
  }

  /** The calls now in flight (a copy: acting on a call may take it off the list). */
  toArray(): T[] {
    const calls: T[] = [];
    for (let call = this.head; call; call = call.nextInFlight) calls.push(call);
    return calls;
  }
}

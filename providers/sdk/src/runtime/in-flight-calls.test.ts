import { InFlightCalls, type InFlightLinks } from './in-flight-calls';

class Call implements InFlightLinks<Call> {
  previousInFlight?: Call;
  nextInFlight?: Call;
  constructor(readonly name: string) {}
}

const names = (calls: InFlightCalls<Call>) => calls.toArray().map((call) => call.name);

describe('InFlightCalls', () => {
  it('holds the calls added, newest first, and counts them', () => {
    const calls = new InFlightCalls<Call>();
    for (const name of ['a', 'b', 'c']) calls.add(new Call(name));
    expect(names(calls)).toEqual(['c', 'b', 'a']);
    expect(calls.size).toBe(3);
  });

  it('takes a call off from the head, the middle or the tail and clears its links', () => {
    const calls = new InFlightCalls<Call>();
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((name) => new Call(name));
    for (const call of [a, b, c, d]) calls.add(call);
    calls.delete(b);
    expect(names(calls)).toEqual(['d', 'c', 'a']);
    calls.delete(d);
    expect(names(calls)).toEqual(['c', 'a']);
    calls.delete(a);
    expect(names(calls)).toEqual(['c']);
    expect(calls.size).toBe(1);
    for (const gone of [a, b, d]) {
      expect(gone.previousInFlight).toBeUndefined();
      expect(gone.nextInFlight).toBeUndefined();
    }
    calls.delete(c);
    expect(calls.size).toBe(0);
    expect(calls.toArray()).toEqual([]);
  });

  it('leaves the list alone when asked to delete a call that is not on it, even twice', () => {
    const calls = new InFlightCalls<Call>();
    const kept = new Call('kept');
    const stranger = new Call('stranger');
    calls.add(kept);
    calls.delete(stranger);
    calls.delete(kept);
    calls.delete(kept);
    expect(calls.size).toBe(0);
    calls.add(kept);
    expect(names(calls)).toEqual(['kept']);
  });

  it('lets a caller take calls off while acting on the copy toArray() returned', () => {
    const calls = new InFlightCalls<Call>();
    for (const name of ['a', 'b', 'c']) calls.add(new Call(name));
    const seen: string[] = [];
    for (const call of calls.toArray()) {
      seen.push(call.name);
      calls.delete(call);
    }
    expect(seen).toEqual(['c', 'b', 'a']);
    expect(calls.size).toBe(0);
  });
});

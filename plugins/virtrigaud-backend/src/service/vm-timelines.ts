// The phase and power-state changes of every VM as the portal's informer saw them, for the VM
// page's timeline: a ring buffer per VM, written only when phase or power state changed, so a
// VM costs at most CAPACITY entries however long it lives.
import type { VmTimelineEntry } from '@virtrigaud/plugin-virtrigaud-common';
import { RingBuffer } from './metrics/ring-buffer';

const CAPACITY = 50;

export class VmTimelines {
  private readonly timelines = new Map<string, RingBuffer<VmTimelineEntry>>();
  private readonly last = new Map<string, VmTimelineEntry>();

  record(key: string, phase: string | undefined, powerState: string, at = new Date()): void {
    const previous = this.last.get(key);
    if (previous && previous.phase === phase && previous.powerState === powerState) return;
    let timeline = this.timelines.get(key);
    if (!timeline) this.timelines.set(key, (timeline = new RingBuffer(CAPACITY)));
    const entry = { at: at.toISOString(), phase, powerState };
    timeline.push(entry);
    this.last.set(key, entry);
  }

  of(key: string): VmTimelineEntry[] {
    return this.timelines.get(key)?.toArray() ?? [];
  }

  forget(key: string): void {
    this.timelines.delete(key);
    this.last.delete(key);
  }
}

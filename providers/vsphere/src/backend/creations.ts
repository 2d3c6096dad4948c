// Create/clone tasks this process started, so that when TaskStatus sees one succeed the new VM's
// moref is cached under its id and the next call on it (usually Power on) needs no lookup. Only
// an optimisation: other replicas find the VM through its instance UUID.
import type { MoRef } from '../vim25/moref';
import { moref, type XmlNode } from '../vim25/xml';
import type { VmLocator } from './vm-locator';

const MAX_PENDING = 1000;

export class PendingCreations {
  private readonly pending = new Map<string, string>();

  constructor(private readonly vms: VmLocator) {}

  started(task: MoRef, vmId: string): void {
    if (this.pending.size >= MAX_PENDING) {
      // Tasks nobody polled: drop the oldest rather than grow without bound.
      this.pending.delete(this.pending.keys().next().value!);
    }
    this.pending.set(task.value, vmId);
  }

  completed(task: string, result: XmlNode | undefined): void {
    const vmId = this.pending.get(task);
    if (vmId === undefined) return;
    this.pending.delete(task);
    const vm = moref(result);
    if (vm?.type === 'VirtualMachine') this.vms.remember(vmId, vm);
  }
}

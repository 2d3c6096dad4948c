// The mock hypervisor of a single process: its VMs in a map. Every method is synchronous inside,
// so nothing interleaves with a change.
import { alreadyExists, type Owner } from '@virtrigaud/provider-sdk';
import type { Faults } from '../faults';
import { settle, type MockVM } from './mock-state';
import type { MockStore } from './store';

export class MemoryStore implements MockStore {
  private readonly records = new Map<string, MockVM>();
  private nextId = 1;

  constructor(private currentFaults: Faults) {}

  async vm(id: string): Promise<MockVM | undefined> {
    return this.current(id);
  }

  async vms(): Promise<MockVM[]> {
    return [...this.records.keys()]
      .map((id) => this.current(id))
      .filter((vm): vm is MockVM => vm !== undefined);
  }

  async updateVm<T>(id: string, change: (vm: MockVM | undefined) => T): Promise<T> {
    const vm = this.current(id);
    const result = change(vm);
    if (vm) this.records.set(id, vm);
    return result;
  }

  async addVm(name: string, owner: Owner, build: (id: string) => MockVM): Promise<MockVM> {
    const live = await this.vms();
    const owned = live.find((vm) => vm.owner.uid === owner.uid);
    if (owned) return owned;
    const clash = live.find((vm) => vm.name === name);
    if (clash) {
      throw alreadyExists(`VM name ${name} is taken by owner ${clash.owner.uid} (VM ${clash.id})`);
    }
    const vm = build(`vm-${String(this.nextId++).padStart(6, '0')}`);
    this.records.set(vm.id, vm);
    return vm;
  }

  async faults(): Promise<Faults> {
    return this.currentFaults;
  }

  async setFaults(faults: Faults): Promise<void> {
    this.currentFaults = faults;
  }

  /** The VM settled now; a due transition is kept, a deleted VM forgotten. */
  private current(id: string): MockVM | undefined {
    const record = this.records.get(id);
    const vm = record && settle(record, Date.now());
    if (vm) this.records.set(id, vm);
    else this.records.delete(id);
    return vm;
  }
}

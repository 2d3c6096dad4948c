// Where the mock hypervisor keeps its VMs and faults: in this process (MemoryStore), or in a
// directory shared by several replicas (DirStore), so any replica answers for VMs another created.
import type { Owner } from '@virtrigaud/provider-sdk';
import type { Faults } from '../faults';
import type { MockVM } from './mock-state';

export interface MockStore {
  /** The VM as it is now (a due transition applied); undefined when there is none (any more). */
  vm(id: string): Promise<MockVM | undefined>;
  /** Every VM as it is now, oldest first. */
  vms(): Promise<MockVM[]>;
  /**
   * Runs `change` on the VM as it is now (undefined when there is none) and keeps what it did to
   * it. No other change to that VM interleaves; changes to other VMs do.
   */
  updateVm<T>(id: string, change: (vm: MockVM | undefined) => T): Promise<T>;
  /**
   * The owner's VM when it has one (Create is idempotent by owner uid); otherwise `build(id)`
   * kept as a new VM, unless a VM of another owner has the name (ALREADY_EXISTS).
   */
  addVm(name: string, owner: Owner, build: (id: string) => MockVM): Promise<MockVM>;
  /** The hypervisor's faults: shared ones override the process's own. */
  faults(): Promise<Faults>;
  setFaults(faults: Faults): Promise<void>;
}

// The mock hypervisor's VMs: hardware, power state, snapshots and at most one transition in
// progress. Plain JSON, so replicas can share them through files (one per VM).
import type { VMClassSpec, VMImageSpec } from '@virtrigaud/api';
import type { Owner, VMDisk, VMNetwork, VMPlacement } from '@virtrigaud/provider-sdk';

export type PowerState = 'On' | 'Off';

/** A change that becomes visible at `due` (the mock's "task"); failed ones never apply. */
export interface Transition {
  op: string;
  due: number;
  powerState?: PowerState;
  hardware?: Hardware;
  snapshots?: MockSnapshot[];
  hardwareVersion?: number;
  /** The VM is gone when the transition is due (a delete, or a create/clone that failed). */
  deleted?: boolean;
  error?: string;
}

export interface Hardware {
  class: VMClassSpec;
  disks: VMDisk[];
}

export interface MockSnapshot {
  id: string;
  name: string;
  description: string;
  includeMemory: boolean;
  createdAt: number;
  hardware: Hardware;
  powerState: PowerState;
}

export interface MockVM {
  id: string;
  name: string;
  owner: Owner;
  image: VMImageSpec;
  hardware: Hardware;
  networks: (VMNetwork & { mac: string })[];
  placement: VMPlacement;
  tags: string[];
  powerState: PowerState;
  hardwareVersion: number;
  /** IPv4 address handed out at first power-on (TEST-NET-2), kept for the VM's life. */
  ip: string;
  snapshots: MockSnapshot[];
  /** How many snapshots were ever taken: numbers the next one's id, never reused. */
  snapshotsTaken: number;
  linkedTo?: string;
  createdAt: number;
  pending?: Transition;
}

/** The VM as it is at `now`: a due transition applied (or dropped when it failed); undefined once deleted. */
export function settle(vm: MockVM, now: number): MockVM | undefined {
  const pending = vm.pending;
  if (!pending || now < pending.due) return vm;
  if (pending.deleted) return undefined;
  if (pending.error) return { ...vm, pending: undefined };
  return {
    ...vm,
    powerState: pending.powerState ?? vm.powerState,
    hardware: pending.hardware ?? vm.hardware,
    snapshots: pending.snapshots ?? vm.snapshots,
    hardwareVersion: pending.hardwareVersion ?? vm.hardwareVersion,
    pending: undefined,
  };
}

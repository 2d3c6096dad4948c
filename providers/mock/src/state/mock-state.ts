// The mock hypervisor's state: VMs with their hardware, power state, snapshots and at most one
// transition in progress. Plain JSON, so replicas can share it through a file.
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
  linkedTo?: string;
  createdAt: number;
  pending?: Transition;
}

export interface MockState {
  nextId: number;
  vms: Record<string, MockVM>;
}

export function emptyState(): MockState {
  return { nextId: 1, vms: {} };
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

/** Persists every due transition; returns the VMs that still exist. */
export function settleAll(state: MockState, now: number): MockVM[] {
  const live: MockVM[] = [];
  for (const [id, vm] of Object.entries(state.vms)) {
    const settled = settle(vm, now);
    if (settled) {
      state.vms[id] = settled;
      live.push(settled);
    } else {
      delete state.vms[id];
    }
  }
  return live;
}

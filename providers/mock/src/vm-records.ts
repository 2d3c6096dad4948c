// Building and presenting mock VMs: new records from Create/Clone input, and the Describe/ListVMs
// views of a record.
import { createHash } from 'node:crypto';
import type { CreateInput, Description, VMNetwork, VMSummary } from '@virtrigaud/provider-sdk';
import type { MockVM } from './state/mock-state';

const MIB: Record<string, number> = { Mi: 1, Gi: 1024, Ti: 1024 * 1024 };
const BOOT_DISK_GIB = 20;

export function memoryMiB(quantity: string): number {
  const [, amount, unit] = /^(\d+)(Mi|Gi|Ti)$/.exec(quantity) ?? [];
  return Number(amount) * (MIB[unit] ?? 0);
}

function hashBytes(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** A locally administered MAC, stable for a VM and NIC. */
function macFor(vmId: string, nic: string): string {
  const bytes = hashBytes(`${vmId}/${nic}`).subarray(0, 5);
  return ['02', ...[...bytes].map((b) => b.toString(16).padStart(2, '0'))].join(':');
}

/** An address in TEST-NET-2 (198.51.100.0/24), stable for a VM. */
function ipFor(vmId: string): string {
  return `198.51.100.${(hashBytes(vmId)[0] % 250) + 2}`;
}

function networksWithMacs(id: string, networks: VMNetwork[]): MockVM['networks'] {
  return networks.map((nic) => ({ ...nic, mac: nic.macAddress ?? macFor(id, nic.name) }));
}

export function newVm(id: string, input: CreateInput, now: number): MockVM {
  return {
    id,
    name: input.name,
    owner: input.owner,
    image: input.image,
    hardware: { class: input.class, disks: input.disks },
    networks: networksWithMacs(id, input.networks),
    placement: input.placement,
    tags: input.tags,
    powerState: 'Off',
    hardwareVersion: 1,
    ip: ipFor(id),
    snapshots: [],
    snapshotsTaken: 0,
    createdAt: now,
  };
}

function ipsOf(vm: MockVM): string[] {
  return vm.powerState === 'On' ? [vm.networks[0]?.ipAddress ?? vm.ip] : [];
}

export function describeVm(vm: MockVM): Description {
  return {
    powerState: vm.powerState,
    ips: ipsOf(vm),
    consoleUrl: `mock://console/${vm.id}`,
    raw: {
      name: vm.name,
      ownerUid: vm.owner.uid,
      hardwareVersion: vm.hardwareVersion,
      snapshots: vm.snapshots.map((s) => ({ id: s.id, name: s.name })),
      pendingOperation: vm.pending?.op,
      linkedTo: vm.linkedTo,
    },
  };
}

export function summarizeVm(vm: MockVM): VMSummary {
  const disks = [
    {
      name: 'boot',
      sizeGiB: vm.hardware.class.diskDefaults?.sizeGiB ?? BOOT_DISK_GIB,
      type: undefined,
    },
    ...vm.hardware.disks,
  ];
  return {
    id: vm.id,
    name: vm.name,
    powerState: vm.powerState,
    ips: ipsOf(vm),
    cpu: vm.hardware.class.cpu,
    memoryMiB: memoryMiB(vm.hardware.class.memory),
    disks: disks.map((d) => ({
      id: `${vm.id}/${d.name}`,
      path: `/mock/${vm.id}/${d.name}.qcow2`,
      sizeGiB: d.sizeGiB,
      format: d.type ?? vm.hardware.class.diskDefaults?.type ?? 'qcow2',
    })),
    networks: vm.networks.map((n) => ({
      name: n.name,
      mac: n.mac,
      ipAddress: vm.powerState === 'On' ? (n.ipAddress ?? vm.ip) : '',
    })),
    raw: {
      'owner-uid': vm.owner.uid,
      'owner-namespace': vm.owner.namespace,
      'owner-name': vm.owner.name,
    },
  };
}

// VMClass hardware in libvirt terms: memory quantities, and the ceilings a running domain can grow
// to (only with cpuHotAdd/memoryHotAdd, otherwise a change needs the next boot).
import type { VMClassSpec } from '@virtrigaud/api';
import { invalidArgument } from '@virtrigaud/provider-sdk';

const MIB_PER_UNIT: Record<string, number> = { Mi: 1, Gi: 1024, Ti: 1024 * 1024 };
/** q35 machines without an IOMMU address at most 255 vCPUs. */
const MAX_VCPUS = 255;
const GIB = 1024 ** 3;

export function memoryMiB(quantity: string, field = 'class_json.memory'): number {
  const match = /^([1-9][0-9]*)(Mi|Gi|Ti)$/.exec(quantity ?? '');
  if (!match) throw invalidArgument(field, 'must be a binary quantity such as 512Mi or 4Gi');
  return Number(match[1]) * MIB_PER_UNIT[match[2]];
}

export interface Hardware {
  cpu: number;
  maxCpu: number;
  memoryMiB: number;
  maxMemoryMiB: number;
}

export function hardware(vmClass: VMClassSpec): Hardware {
  if (!Number.isInteger(vmClass.cpu) || vmClass.cpu < 1 || vmClass.cpu > MAX_VCPUS)
    throw invalidArgument('class_json.cpu', `must be an integer from 1 to ${MAX_VCPUS}`);
  const memory = memoryMiB(vmClass.memory);
  return {
    cpu: vmClass.cpu,
    maxCpu: vmClass.cpuHotAdd ? Math.min(vmClass.cpu * 2, MAX_VCPUS) : vmClass.cpu,
    memoryMiB: memory,
    maxMemoryMiB: vmClass.memoryHotAdd ? memory * 2 : memory,
  };
}

export function rootDiskBytes(vmClass: VMClassSpec): number | undefined {
  const size = vmClass.diskDefaults?.sizeGiB;
  return size ? size * GIB : undefined;
}

export function gibToBytes(gib: number): number {
  return gib * GIB;
}

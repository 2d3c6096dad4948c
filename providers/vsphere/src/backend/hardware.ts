// VMClass → vim25 config spec fields (CPU, memory, hot-add, firmware, guest OS).
import { invalidArgument } from '@virtrigaud/provider-sdk';
import type { VMClassSpec } from '@virtrigaud/api';

const MEMORY_UNITS_MIB: Record<string, number> = { Mi: 1, Gi: 1024, Ti: 1024 * 1024 };

export function memoryMiB(memory: string, field: string): number {
  const match = /^([1-9][0-9]*)(Mi|Gi|Ti)$/.exec(memory);
  if (!match) throw invalidArgument(field, `"${memory}" is not a quantity like 512Mi or 4Gi`);
  return Number(match[1]) * MEMORY_UNITS_MIB[match[2]!]!;
}

export function guestId(vmClass: VMClassSpec, osType: string | undefined): string {
  if (vmClass.guestOS) return vmClass.guestOS;
  return osType === 'windows' ? 'windows9_64Guest' : 'otherLinux64Guest';
}

/** CPU/memory/hot-add fields of a VirtualMachineConfigSpec, in WSDL order. */
export function hardwareFields(vmClass: VMClassSpec, field: string) {
  return {
    numCPUs: vmClass.cpu,
    memoryMB: memoryMiB(vmClass.memory, `${field}.memory`),
    memoryHotAddEnabled: vmClass.memoryHotAdd ?? false,
    cpuHotAddEnabled: vmClass.cpuHotAdd ?? false,
  };
}

/** bootOptions/firmware fields (they come after extraConfig in the WSDL sequence). */
export function firmwareFields(vmClass: VMClassSpec) {
  const uefi = vmClass.firmware === 'UEFI';
  return {
    bootOptions: vmClass.secureBoot ? { efiSecureBootEnabled: true } : undefined,
    firmware: uefi ? 'efi' : 'bios',
  };
}

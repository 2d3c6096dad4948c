// GetCapabilities → the capability names written to Provider status.capabilities.
import type { GetCapabilitiesResponse } from '@virtrigaud/proto';

export const CAPABILITY = {
  reconfigureOnline: 'reconfigure-online',
  diskExpansionOnline: 'disk-expansion-online',
  snapshots: 'snapshots',
  memorySnapshots: 'memory-snapshots',
  linkedClones: 'linked-clones',
  imageImport: 'image-import',
} as const;

export function capabilityNames(response: GetCapabilitiesResponse): string[] {
  const flags: [boolean, string][] = [
    [response.supportsReconfigureOnline, CAPABILITY.reconfigureOnline],
    [response.supportsDiskExpansionOnline, CAPABILITY.diskExpansionOnline],
    [response.supportsSnapshots, CAPABILITY.snapshots],
    [response.supportsMemorySnapshots, CAPABILITY.memorySnapshots],
    [response.supportsLinkedClones, CAPABILITY.linkedClones],
    [response.supportsImageImport, CAPABILITY.imageImport],
  ];
  return flags.filter(([on]) => on).map(([, name]) => name);
}

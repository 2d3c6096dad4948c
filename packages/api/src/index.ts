export * from './types';
export { API_VERSION, GROUP, VERSION, KINDS, kindDefinition } from './kinds';
export type { KindDefinition, PrinterColumn } from './kinds';
export { customResourceDefinition } from './crd';
export { Resources } from './resources';
export * from './provider-naming';
export { VM_LIMITS } from './schema/limits';
export { parseDuration } from './duration';
export { PROVIDER_TYPES, ProviderSpec as ProviderSpecSchema } from './schema/provider';
export {
  POWER_STATES,
  REBOOT_REQUESTED_ANNOTATION,
  VM_PHASES,
  VirtualMachineSpec as VirtualMachineSpecSchema,
} from './schema/virtual-machine';
export { DISK_TYPES, VMClassSpec as VMClassSpecSchema } from './schema/vm-class';
export { VMImageSpec as VMImageSpecSchema } from './schema/vm-image';
export { VMNetworkAttachmentSpec as VMNetworkAttachmentSpecSchema } from './schema/vm-network-attachment';

// @virtrigaud/plugin-virtrigaud: VirtRigaud in Backstage's frontend. The new frontend system's
// plugin is the default export of `@virtrigaud/plugin-virtrigaud/alpha`.
export {
  virtrigaudPlugin,
  virtrigaudApiFactory,
  VirtualMachinesPage,
  EntityVirtualMachineCard,
  EntityProviderHealthCard,
  EntityProviderVmsCard,
  VirtrigaudProviderPickerFieldExtension,
  VirtrigaudClassPickerFieldExtension,
  VirtrigaudImagePickerFieldExtension,
  VirtrigaudNetworkPickerFieldExtension,
} from './plugin';
export { virtrigaudApiRef } from './api';
export { rootRouteRef, createVmRouteRef } from './routes';
export { isVirtualMachineEntity, isProviderEntity } from './entityFilters';
export { VirtualMachineCard } from './components/vm/VirtualMachineCard';
export { ProviderHealthCard } from './components/provider/ProviderHealthCard';
export { ProviderVmsCard } from './components/provider/ProviderVmsCard';
export { PowerStateBadge } from './components/status/PowerStateBadge';
export type { PickerUiOptions } from './components/fields/pickerKinds';

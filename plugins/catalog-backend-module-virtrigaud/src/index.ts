// Catalog module for VirtRigaud: `backend.add(import('@virtrigaud/plugin-catalog-backend-module-virtrigaud'))`.
export { catalogModuleVirtrigaud as default } from './module';
export { VirtrigaudEntityProvider } from './entity-provider';
export { vmEntity, providerEntity } from './entities';

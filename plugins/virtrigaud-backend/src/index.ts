// VirtRigaud backend plugin: `backend.add(import('@virtrigaud/plugin-virtrigaud-backend'))`.
export { virtrigaudPlugin as default } from './plugin';
export { virtrigaudInventoryServiceRef } from './service/inventory-service';
export { Inventory } from './service/inventory';
export type { InventoryChange, InventoryListener } from './service/inventory';
export type { ClusterCache } from './service/cache/cluster-cache';
export { readClusterDefinitions } from './service/clusters/config';
export type { ClusterDefinition } from './service/clusters/config';
export { ownerOf, OWNER_KEY } from './service/summaries';
export { powerActionPatch } from './service/power-patch';
export type { PowerActionPatch } from './service/power-patch';
export { vmConditions, createVmConditionalDecision, vmPermissionRules } from './permissions/rules';

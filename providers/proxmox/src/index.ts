export {
  ProxmoxBackend,
  createProxmoxBackend,
  PROXMOX_CAPABILITIES,
} from './backend/proxmox-backend';
export { consoleUrl, powerState } from './backend/describe';
export { ownerDescription, readOwner, ownerTag, tagList } from './backend/owner';
export * from './client';

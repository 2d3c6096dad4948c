export {
  createVSphereBackend,
  VSphereBackend,
  VSPHERE_CAPABILITIES,
} from './backend/vsphere-backend';
export { consoleUrl } from './backend/describe';
export { Vim25Client, type ClientOptions, type ServiceContent } from './vim25/client';
export { SoapFault, faultCode } from './vim25/faults';
export { MoRef } from './vim25/moref';
export { retrieve, retrieveObjects, retrieveOne, InventoryViews } from './vim25/properties';
export { readTask, waitForTask, taskRef } from './vim25/tasks';
export { findByInventoryPath, findVmByInstanceUuid } from './vim25/inventory';

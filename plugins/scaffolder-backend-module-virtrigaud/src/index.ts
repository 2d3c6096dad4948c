// Scaffolder module for VirtRigaud: `backend.add(import('@virtrigaud/plugin-scaffolder-backend-module-virtrigaud'))`.
export { scaffolderModuleVirtrigaud as default } from './module';
export { createVmAction } from './actions/create-vm';
export { createProviderAction } from './actions/create-provider';
export { powerVmAction, deleteVmAction } from './actions/vm-power-delete';
export { TASK_ID_LABEL } from './actions/kube-writer';

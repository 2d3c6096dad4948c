// Scaffolder module: registers the VirtRigaud actions with the scaffolder.
import { coreServices, createBackendModule } from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { virtrigaudInventoryServiceRef } from '@virtrigaud/plugin-virtrigaud-backend';
import { createProviderAction } from './actions/create-provider';
import { createVmAction } from './actions/create-vm';
import { deleteVmAction, powerVmAction } from './actions/vm-power-delete';

export const scaffolderModuleVirtrigaud = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'virtrigaud',
  register(env) {
    env.registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        inventory: virtrigaudInventoryServiceRef,
        permissions: coreServices.permissions,
      },
      async init({ scaffolder, inventory, permissions }) {
        const options = { inventory, permissions };
        scaffolder.addActions(
          createVmAction(options),
          createProviderAction(options),
          powerVmAction(options),
          deleteVmAction(options),
        );
      },
    });
  },
});

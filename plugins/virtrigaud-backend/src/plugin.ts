// The VirtRigaud backend plugin (new backend system): registers the permissions and the VM
// resource type with its rules, and serves the REST API at /api/virtrigaud.
import { coreServices, createBackendPlugin } from '@backstage/backend-plugin-api';
import {
  VIRTRIGAUD_PLUGIN_ID,
  parseVmResourceRef,
  virtrigaudProviderCreatePermission,
  virtrigaudProviderReadPermission,
  virtrigaudVmCreatePermission,
  virtrigaudVmDeletePermission,
  virtrigaudVmPowerPermission,
  virtrigaudVmReadPermission,
} from '@virtrigaud/plugin-virtrigaud-common';
import { vmPermissionRules, vmResourceRef } from './permissions/rules';
import { Guard } from './service/guard';
import { virtrigaudInventoryServiceRef } from './service/inventory-service';
import { createRouter } from './service/router';

export const virtrigaudPlugin = createBackendPlugin({
  pluginId: VIRTRIGAUD_PLUGIN_ID,
  register(env) {
    env.registerInit({
      deps: {
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        logger: coreServices.logger,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        inventory: virtrigaudInventoryServiceRef,
      },
      async init({ httpRouter, httpAuth, logger, permissions, permissionsRegistry, inventory }) {
        permissionsRegistry.addResourceType({
          resourceRef: vmResourceRef,
          permissions: [
            virtrigaudVmReadPermission,
            virtrigaudVmPowerPermission,
            virtrigaudVmDeletePermission,
          ],
          rules: Object.values(vmPermissionRules),
          getResources: async (resourceRefs) =>
            resourceRefs.map((resourceRef) => {
              const ref = parseVmResourceRef(resourceRef);
              return ref && inventory.vm(ref);
            }),
        });
        permissionsRegistry.addPermissions([
          virtrigaudVmCreatePermission,
          virtrigaudProviderCreatePermission,
          virtrigaudProviderReadPermission,
        ]);
        const guard = new Guard(permissions, httpAuth, permissionsRegistry);
        httpRouter.use(await createRouter({ inventory, guard, logger }));
      },
    });
  },
});

// Catalog module: registers the VirtRigaud entity provider with the catalog, fed by the same
// informer cache the VirtRigaud backend plugin uses (virtrigaudInventoryServiceRef).
import { coreServices, createBackendModule } from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { virtrigaudInventoryServiceRef } from '@virtrigaud/plugin-virtrigaud-backend';
import { VirtrigaudEntityProvider } from './entity-provider';

export const catalogModuleVirtrigaud = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'virtrigaud',
  register(env) {
    env.registerInit({
      deps: {
        catalog: catalogProcessingExtensionPoint,
        inventory: virtrigaudInventoryServiceRef,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        lifecycle: coreServices.lifecycle,
      },
      async init({ catalog, inventory, config, logger, lifecycle }) {
        const provider = new VirtrigaudEntityProvider(
          inventory,
          {
            owner: config.getOptionalString('virtrigaud.catalog.defaultOwner') ?? 'unknown',
            system: config.getOptionalString('virtrigaud.catalog.system'),
          },
          logger,
        );
        catalog.addEntityProvider(provider);
        lifecycle.addShutdownHook(() => provider.close());
      },
    });
  },
});

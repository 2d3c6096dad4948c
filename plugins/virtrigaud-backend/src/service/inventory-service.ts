// The inventory as a root-scoped Backstage service: one informer cache per cluster for the whole
// backend, shared by this plugin, the catalog module (entities from the same change feed) and the
// scaffolder module (the clusters' connections).
import {
  coreServices,
  createServiceFactory,
  createServiceRef,
  type RootConfigService,
} from '@backstage/backend-plugin-api';
import { readClusterDefinitions } from './clusters/config';
import { Inventory } from './inventory';
import type { ScraperOptions } from './metrics/metrics-scraper';

export function scraperOptions(config: RootConfigService): ScraperOptions {
  const metrics = config.getOptionalConfig('virtrigaud.metrics');
  return {
    intervalMs: (metrics?.getOptionalNumber('intervalSeconds') ?? 15) * 1000,
    // An hour at the default interval: the portal charts the last hour.
    historySize: metrics?.getOptionalNumber('historySize') ?? 240,
    timeoutMs: metrics?.getOptionalNumber('timeoutMs') ?? 2000,
    prometheusBaseUrl: config.getOptionalString('virtrigaud.prometheus.baseUrl'),
  };
}

export const virtrigaudInventoryServiceRef = createServiceRef<Inventory>({
  id: 'virtrigaud.inventory',
  scope: 'root',
  defaultFactory: async (service) =>
    createServiceFactory({
      service,
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.rootLogger,
        lifecycle: coreServices.rootLifecycle,
      },
      factory({ config, logger, lifecycle }) {
        const inventory = new Inventory(
          readClusterDefinitions(config),
          logger.child({ plugin: 'virtrigaud' }),
          scraperOptions(config),
        );
        inventory.start();
        lifecycle.addShutdownHook(() => inventory.stop());
        return inventory;
      },
    }),
});

// What every operation of the vSphere backend shares: the session, inventory helpers and config.
import type { Logger } from 'pino';
import type { Vim25Client } from '../vim25/client';
import type { InventoryViews } from '../vim25/properties';
import type { Defaults } from './config';
import type { PendingCreations } from './creations';
import type { NetworkResolver } from './networks';
import type { PlacementResolver } from './placement';
import type { VmLocator } from './vm-locator';

export interface VSphereContext {
  client: Vim25Client;
  views: InventoryViews;
  placement: PlacementResolver;
  networks: NetworkResolver;
  vms: VmLocator;
  creations: PendingCreations;
  defaults: Defaults;
  log: Logger;
}

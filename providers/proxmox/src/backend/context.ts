// What every operation needs: the API client and the Provider defaults.
import type { PveClient } from '../client/pve-client';
import type { Defaults } from './config';

export interface PveContext {
  client: PveClient;
  defaults: Defaults;
}

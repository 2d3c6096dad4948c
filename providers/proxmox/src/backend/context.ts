// What every operation needs: the API client, the Provider defaults and the console base URL.
import type { PveClient } from '../client/pve-client';
import type { Defaults } from './config';

export interface PveContext {
  client: PveClient;
  defaults: Defaults;
}

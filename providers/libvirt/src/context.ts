// What every operation of the backend works with.
import type { Logger } from 'pino';
import type { TaskRegistry } from '@virtrigaud/provider-sdk';
import type { Domains } from './domain/domains';
import type { LibvirtSettings } from './settings';
import type { ImageResolver } from './storage/images';
import type { Volumes } from './storage/volumes';
import type { ManagedVmIds } from './managed-vm-ids';
import type { ChainLock } from './storage/chain-lock';
import type { Virsh } from './virsh/virsh';

export interface LibvirtContext {
  virsh: Virsh;
  domains: Domains;
  volumes: Volumes;
  images: ImageResolver;
  settings: LibvirtSettings;
  /** Endpoint host, for console URLs of consoles listening on a wildcard address. */
  host: string;
  /** The domain type to define (`auto` resolved against the host's capabilities). */
  domainType(signal?: AbortSignal): Promise<'kvm' | 'qemu'>;
  inflight: TaskRegistry;
  /** UUIDs seen carrying the provider's metadata (lets Power skip re-reading them). */
  managedIds: ManagedVmIds;
  /** Held while volumes are layered on others or unused bases removed. */
  chainLock: ChainLock;
  log: Logger;
}

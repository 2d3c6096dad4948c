// Reads the Provider's configuration (endpoint, credential files, endpointTLS, defaults) into what
// the vim25 client needs, naming the offending field when something is missing.
import { invalidArgument, type BackendConfig } from '@virtrigaud/provider-sdk';
import type { TlsPolicy } from '../vim25/transport';
import type { ClientOptions } from '../vim25/client';

export interface Defaults {
  datacenter?: string;
  cluster?: string;
  host?: string;
  resourcePool?: string;
  folder?: string;
  datastore?: string;
}

function credential(config: BackendConfig, key: string): string {
  const value = config.credentials[key]?.trim();
  if (!value) throw invalidArgument(`credentials.${key}`, 'missing or empty credential file');
  return value;
}

export function tlsPolicy(config: BackendConfig): TlsPolicy {
  const tls = config.options.endpointTLS ?? {};
  if (tls.insecureSkipVerify) return { mode: 'insecure' };
  if (tls.fingerprint) return { mode: 'fingerprint', fingerprint: tls.fingerprint };
  if (tls.caSecretKey) return { mode: 'verify', ca: credential(config, tls.caSecretKey) };
  return { mode: 'verify' };
}

export function clientOptions(config: BackendConfig): ClientOptions {
  return {
    endpoint: config.endpoint,
    username: credential(config, 'username'),
    password: credential(config, 'password'),
    tls: tlsPolicy(config),
    userAgent: `virtrigaud-provider-vsphere (${config.namespace}/${config.name})`,
  };
}

const DEFAULT_KEYS: (keyof Defaults)[] = [
  'datacenter',
  'cluster',
  'host',
  'resourcePool',
  'folder',
  'datastore',
];

export function defaults(config: BackendConfig): Defaults {
  const given = config.options.defaults ?? {};
  return Object.fromEntries(
    DEFAULT_KEYS.filter((key) => given[key]).map((key) => [key, given[key]]),
  ) as Defaults;
}

// Test helpers: the vcsim started by jest/vcsim-setup.js, backend configs and call contexts.
import type { BackendConfig, CallContext, ProviderOptions } from '@virtrigaud/provider-sdk';
import pino from 'pino';
import { Vim25Client } from '../vim25/client';

export interface Vcsim {
  endpoint: string;
  username: string;
  password: string;
  certificatePem: string;
  certificateDer: string;
}

export function vcsim(): Vcsim {
  const env = (name: string) => {
    const value = process.env[name];
    if (!value) throw new Error(`${name} unset: run these tests through jest (vcsim-setup.js)`);
    return value;
  };
  return {
    endpoint: env('VSPHERE_TEST_ENDPOINT'),
    username: env('VSPHERE_TEST_USERNAME'),
    password: env('VSPHERE_TEST_PASSWORD'),
    certificatePem: env('VSPHERE_TEST_CERT_PEM'),
    certificateDer: env('VSPHERE_TEST_CERT_DER'),
  };
}

export const silentLog = pino({ level: 'silent' });

/** A config as the runtime builds it, trusting vcsim's certificate through a CA file. */
export function backendConfig(
  overrides: Partial<BackendConfig> = {},
  options: ProviderOptions = {},
): BackendConfig {
  const sim = vcsim();
  return {
    providerType: 'vsphere',
    endpoint: sim.endpoint,
    namespace: 'default',
    name: 'vcsim',
    credentials: { username: sim.username, password: sim.password, 'ca.crt': sim.certificatePem },
    options: {
      endpointTLS: { caSecretKey: 'ca.crt' },
      defaults: { datacenter: 'DC0', cluster: 'DC0_C0', datastore: 'LocalDS_0' },
      ...options,
    },
    log: silentLog,
    ...overrides,
  };
}

export function callContext(timeoutMs = 30_000): CallContext {
  return { correlationId: 'test', signal: AbortSignal.timeout(timeoutMs), log: silentLog };
}

/** A direct vim25 session, for arranging and checking state independently of the backend. */
export function directClient(): Vim25Client {
  const sim = vcsim();
  return new Vim25Client({
    endpoint: sim.endpoint,
    username: sim.username,
    password: sim.password,
    tls: { mode: 'verify', ca: sim.certificatePem },
  });
}

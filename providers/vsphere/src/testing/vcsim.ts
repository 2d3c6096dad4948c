// Test helpers: the vcsim started by jest/vcsim-setup.js, backend configs and call contexts.
import type { BackendConfig, CallContext, ProviderOptions } from '@virtrigaud/provider-sdk';
import pino from 'pino';
import { Vim25Client } from '../vim25/client';
import { retrieveOne } from '../vim25/properties';
import { childText, children } from '../vim25/xml';

export interface Vcsim {
  endpoint: string;
  username: string;
  password: string;
  certificatePem: string;
  certificateDer: string;
}

/**
 * Starts another simulator (jest/vcsim.js, shared with the global setup and the benchmark), e.g.
 * a slow one. The caller stops it.
 */
export function startVcsim(
  options: { delayMs?: number; methodDelayMs?: Record<string, number> } = {},
): Promise<Vcsim & { stop(): Promise<void> }> {
  // Plain CommonJS next to src/ and dist/ alike, so the same relative path works from both.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const launcher = require('../../jest/vcsim.js') as {
    startVcsim(options: {
      delayMs?: number;
      methodDelayMs?: Record<string, number>;
    }): Promise<Vcsim & { stop(): Promise<void> }>;
  };
  return launcher.startVcsim(options);
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
export function directClient(userAgent = 'virtrigaud-tests'): Vim25Client {
  const sim = vcsim();
  return new Vim25Client({
    endpoint: sim.endpoint,
    username: sim.username,
    password: sim.password,
    tls: { mode: 'verify', ca: sim.certificatePem },
    userAgent,
  });
}

/**
 * Ends, as an administrator would, every vCenter session whose user agent contains `marker`
 * (test files run in parallel, so sessions are told apart by a unique marker, not by age).
 */
export async function terminateSessions(admin: Vim25Client, marker: string): Promise<number> {
  const content = await admin.serviceContent();
  const props = await retrieveOne(admin, content.sessionManager, ['sessionList']);
  const keys = children(props.props.get('sessionList'), 'UserSession')
    .filter((session) => childText(session, 'userAgent')?.includes(marker))
    .map((session) => childText(session, 'key')!);
  if (keys.length > 0) {
    await admin.invoke('TerminateSession', content.sessionManager, { sessionId: keys });
  }
  return keys.length;
}

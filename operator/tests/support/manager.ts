// Runs the real Manager in-process against a test cluster, with fast timings.
import type { ServiceAddressResolver } from '@virtrigaud/kube';
import pino from 'pino';
import { DEFAULT_MANAGER_OPTIONS, Manager, type ManagerOptions } from '../../src/manager';
import type { TestCluster } from './cluster';

export async function startManager(
  cluster: TestCluster,
  overrides: Partial<ManagerOptions> = {},
  /** Replaces the devcluster-annotation resolver, e.g. to dial providers through a TcpProxy. */
  addressResolver?: ServiceAddressResolver,
): Promise<Manager> {
  const manager = new Manager(
    cluster.config,
    {
      ...DEFAULT_MANAGER_OPTIONS,
      metricsAddr: '127.0.0.1:0',
      healthAddr: '127.0.0.1:0',
      // The devcluster publishes loopback proxies for Services; a real server has EndpointSlices.
      serviceAddressSource: cluster.kind === 'real' ? 'endpoint-slices' : 'devcluster-annotation',
      providerHealthIntervalMs: 500,
      permanentErrorRetryMs: 2_000,
      ...overrides,
    },
    pino({ level: process.env.MANAGER_LOG_LEVEL ?? 'silent' }),
    undefined,
    addressResolver,
  );
  await manager.start();
  return manager;
}

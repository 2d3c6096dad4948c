// The provider under test as a gRPC server in the test's own process, started from one backend
// config: how each provider's conformance test starts its target.
import {
  startProviderServer,
  type BackendConfig,
  type BackendFactory,
} from '@virtrigaud/provider-sdk';
import type { ConformanceTarget } from './options';

/** What names the provider and reaches its hypervisor (a provider's test BackendConfig fits). */
export type InProcessConfig = Pick<
  BackendConfig,
  'endpoint' | 'namespace' | 'name' | 'credentials' | 'options'
>;

export async function startInProcessTarget(
  type: string,
  createBackend: BackendFactory,
  config: InProcessConfig,
): Promise<ConformanceTarget> {
  const server = await startProviderServer({
    type,
    createBackend,
    endpoint: config.endpoint,
    namespace: config.namespace,
    name: config.name,
    credentials: config.credentials,
    options: config.options,
    // The suite judges the calls' answers, not log lines.
    logLevel: 'error',
    logDestination: { write: () => undefined },
  });
  return { address: server.address, metricsUrl: server.metricsUrl, stop: () => server.stop() };
}

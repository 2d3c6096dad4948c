// Several replicas of one provider in this process (startProviderServer), all against the same
// hypervisor (vcsim, the Proxmox simulator), as a conformance target: a round-robin gRPC target
// over their addresses and their metrics as one scrape. For providers whose binaries the dev
// kubelet cannot start here without their hypervisor's credentials and certificates in Secrets.
import type { ConformanceTarget } from '@virtrigaud/provider-conformance';
import { startProviderServer } from '@virtrigaud/provider-sdk';
import { serveReplicaMetrics } from './replica-metrics';
import { roundRobinTarget } from './round-robin-target';

type ServerOptions = Parameters<typeof startProviderServer>[0];

export async function startInProcessReplicas(
  count: number,
  options: ServerOptions,
): Promise<ConformanceTarget & { servedCalls(): Promise<number[]> }> {
  const replicas = await Promise.all(
    Array.from({ length: count }, () =>
      startProviderServer({
        logLevel: 'error',
        logDestination: { write: () => undefined },
        ...options,
      }),
    ),
  );
  const metrics = await serveReplicaMetrics(
    replicas.map((r) => r.metricsUrl.slice('http://'.length)),
  );
  return {
    address: roundRobinTarget(replicas.map((r) => r.address)),
    metricsUrl: metrics.url,
    /** Successful calls each replica served. */
    servedCalls: () =>
      Promise.all(
        replicas.map(async (r) => {
          const text = await (await fetch(`${r.metricsUrl}/metrics`)).text();
          return text
            .split('\n')
            .filter((line) => /^provider_grpc_requests_total\{.*status="success"/.test(line))
            .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
        }),
      ),
    stop: async () => {
      await metrics.close();
      await Promise.all(replicas.map((r) => r.stop()));
    },
  };
}

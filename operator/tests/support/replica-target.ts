// A conformance target over the ready replicas of a Provider: a round-robin gRPC target over their
// gRPC addresses and their metrics as one scrape. Stopping it also checks that every replica
// served calls (the round robin really spread the suite).
import type { ConformanceTarget } from '@virtrigaud/provider-conformance';
import { serveReplicaMetrics } from './replica-metrics';
import { roundRobinTarget } from './round-robin-target';

/** Successful calls a replica served (provider_grpc_requests_total, status="success"). */
async function servedCalls(metricsAddress: string): Promise<number> {
  const text = await (await fetch(`http://${metricsAddress}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => /^provider_grpc_requests_total\{.*status="success"/.test(line))
    .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
}

export async function replicaConformanceTarget(
  grpcAddresses: string[],
  metricsAddresses: string[],
  stopReplicas: () => Promise<void>,
): Promise<ConformanceTarget> {
  const metrics = await serveReplicaMetrics(metricsAddresses);
  return {
    address: roundRobinTarget(grpcAddresses),
    metricsUrl: metrics.url,
    stop: async () => {
      // Read before the replicas go.
      const served = await Promise.all(metricsAddresses.map(servedCalls));
      await metrics.close();
      await stopReplicas();
      for (const calls of served) expect(calls).toBeGreaterThan(10);
    },
  };
}

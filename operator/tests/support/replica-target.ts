// A conformance target over the ready replicas of a Provider: a round-robin gRPC target over their
// gRPC addresses and their metrics as one scrape. Stopping it also checks that every replica
// served calls (the round robin really spread the suite).
import type { KubeClient } from '@virtrigaud/kube';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ConformanceTarget } from '@virtrigaud/provider-conformance';
import { startTestCluster } from './cluster';
import { startManager } from './manager';
import {
  applyReplicatedProvider,
  readyReplicas,
  type ReplicatedProvider,
} from './provider-replicas';
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

/**
 * The setup every replicated conformance run shares: a devcluster with the dev kubelet, the
 * manager balancing over EndpointSlices, the Provider `apply` creates (with `replicas` replicas)
 * and, once they are ready, a round-robin target over them. `stopHypervisor` runs last.
 */
export async function startReplicatedProvider(options: {
  name: string;
  replicas: number;
  apply: (client: KubeClient, workDir: string) => Promise<void>;
  stopHypervisor?: () => Promise<void>;
}): Promise<ConformanceTarget> {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), `scale-out-${options.name}-`));
  const cluster = await startTestCluster({
    kubelet: { rootDir: path.join(workDir, 'pods'), maxProbePeriodMs: 200 },
  });
  const manager = await startManager(cluster, { serviceAddressSource: 'endpoint-slices' });
  const stop = async () => {
    await manager.stop();
    await cluster.stop();
    await options.stopHypervisor?.();
    fs.rmSync(workDir, { recursive: true, force: true });
  };
  try {
    await options.apply(cluster.client, workDir);
    return replicaConformanceTarget(
      await readyReplicas(cluster.client, options.name, options.replicas),
      await readyReplicas(cluster.client, options.name, options.replicas, 'metrics'),
      stop,
    );
  } catch (error) {
    // No target, so nobody else will stop the cluster: its provider processes would keep jest alive.
    await stop();
    throw error;
  }
}

/** startReplicatedProvider for a hypervisor Provider: `provider` applied as it is. */
export function startReplicatedHypervisorProvider(
  provider: ReplicatedProvider,
  stopHypervisor: () => Promise<void>,
): Promise<ConformanceTarget> {
  return startReplicatedProvider({
    name: provider.name,
    replicas: provider.replicas,
    apply: (client) => applyReplicatedProvider(client, provider),
    stopHypervisor,
  });
}

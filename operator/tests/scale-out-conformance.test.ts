// The provider conformance suite against provider-mock with three replicas run by the dev kubelet
// (a Provider with `replicas: 3`, rendered by the manager) sharing one mock hypervisor, through a
// round-robin client: consecutive calls of every check land on different replicas, so a task,
// VM or idempotent Create started on one replica is answered by the others.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describeConformance } from '@virtrigaud/provider-conformance';
import type { Manager } from '../src/manager';
import { startTestCluster, type TestCluster } from './support/cluster';
import { startManager } from './support/manager';
import { applyReplicatedMock, readyReplicas } from './support/provider-replicas';
import { serveReplicaMetrics } from './support/replica-metrics';
import { roundRobinTarget } from './support/round-robin-target';

const PROVIDER = 'conformance-x3';
const REPLICAS = 3;

let cluster: TestCluster;
let manager: Manager;
let metricsAddresses: string[] = [];
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'scale-out-conformance-'));

/** Successful calls each replica served (provider_grpc_requests_total, status="success"). */
async function servedCalls(metricsAddress: string): Promise<number> {
  const text = await (await fetch(`http://${metricsAddress}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => /^provider_grpc_requests_total\{.*status="success"/.test(line))
    .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
}

describeConformance(`mock, ${REPLICAS} replicas behind round robin`, {
  start: async () => {
    cluster = await startTestCluster({
      kubelet: { rootDir: path.join(tmp, 'pods'), maxProbePeriodMs: 200 },
    });
    manager = await startManager(cluster, { serviceAddressSource: 'endpoint-slices' });
    await applyReplicatedMock(cluster.client, {
      name: PROVIDER,
      replicas: REPLICAS,
      stateDir: path.join(tmp, 'hypervisor'),
    });
    const addresses = await readyReplicas(cluster.client, PROVIDER, REPLICAS);
    metricsAddresses = await readyReplicas(cluster.client, PROVIDER, REPLICAS, 'metrics');
    const metrics = await serveReplicaMetrics(metricsAddresses);
    return {
      address: roundRobinTarget(addresses),
      metricsUrl: metrics.url,
      stop: async () => {
        // Every replica took part (read before the pods go).
        const served = await Promise.all(metricsAddresses.map(servedCalls));
        await metrics.close();
        await manager.stop();
        await cluster.stop();
        fs.rmSync(tmp, { recursive: true, force: true });
        for (const calls of served) expect(calls).toBeGreaterThan(10);
      },
    };
  },
  fixtures: {
    class: { cpu: 1, memory: '512Mi', diskDefaults: { type: 'qcow2', sizeGiB: 10 } },
    image: { source: { mock: { name: 'ubuntu-24.04' } } },
    networks: [{ name: 'eth0', attachment: { libvirt: { network: 'default' } } }],
    disks: [{ name: 'data', sizeGiB: 5 }],
    placement: { host: 'mock-host-1' },
  },
  expectCapabilities: { supportsSnapshots: true, supportsLinkedClones: true },
  taskTimeoutMs: 20_000,
});

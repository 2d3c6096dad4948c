// Benchmark (issue 11): 500 creates against provider-mock with 50 ms simulated hypervisor latency
// (every hypervisor call waits 50 ms, every task takes 50 ms), with 1, 3 and 5 replicas behind the
// manager's own client (ProviderGateway: round robin, repeat on another replica). Reports the
// throughput per replica count, the scaling factor 1 → 3 (target ≥ 2.5×) and 1 → 5, the CPU
// seconds of every process (so a reader sees whether the machine was the limit), and checks that
// the hypervisor saw no more calls than the Provider's rate limit allows.
//
//   npm run bench -w @virtrigaud/operator        (after `tsc -b`, which scripts/bench.sh runs)
//   CREATES=500 CONCURRENCY=500 CALL_LATENCY=50ms TASK_LATENCY=50ms CONNECTION_CONCURRENCY=5
//   QPS=1000 BURST=1000 REPLICAS=1,3,5                                                 (defaults)
//
// Each replica is the real provider-mock binary, a process of its own, started exactly as the
// Deployment the manager renders would start it: RATE_LIMIT_QPS/BURST of the Provider and
// PROVIDER_REPLICAS (each replica takes its share of the limit), one MOCK_STATE_DIR shared by all
// replicas (the mock hypervisor). A create is what the VirtualMachine controller does: Create, then
// TaskStatus every 50 ms until done, then Describe.
//
// What one replica can do is bounded the way a real provider is: it holds one connection to its
// hypervisor, and the hypervisor serves a bounded number of requests per client connection
// (--mock-connection-concurrency=5: libvirtd's max_client_requests default; a vCenter session is
// bounded likewise). So one replica has at most 5 calls × 1/50 ms = 100 hypervisor calls/s, and
// a create needs 3 (Create, TaskStatus, Describe): ≈ 33 creates/s per replica. Without that bound
// a replica with pure simulated latency serves any number of calls at once, and more replicas
// cannot add anything. All 500 creates start at once (CONCURRENCY=500), so the client is never
// the bound: at 5 replicas 25 calls are in service and hundreds wait in line.
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import op from '../dist/index.js';
import { scrape, total } from './support/metrics.mts';
import { cpuSeconds, startNode, type Started } from './support/process.mts';

const { ProviderGateway, ManagerMetrics } = op;
type ProviderEndpoint = import('../dist/index.js').ProviderEndpoint;

const CREATES = Number(process.env.CREATES ?? 500);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? CREATES);
const CALL_LATENCY = process.env.CALL_LATENCY ?? '50ms';
const TASK_LATENCY = process.env.TASK_LATENCY ?? '50ms';
const CONNECTION_CONCURRENCY = Number(process.env.CONNECTION_CONCURRENCY ?? 5);
const RATE_LIMIT = {
  qps: Number(process.env.QPS ?? 1000),
  burst: Number(process.env.BURST ?? 1000),
};
const REPLICA_COUNTS = (process.env.REPLICAS ?? '1,3,5').split(',').map(Number);
const POLL_MS = 50;
const TARGET_SCALING_1_TO_3 = 2.5;

const require = createRequire(import.meta.url);
const providerMock = path.join(
  path.dirname(require.resolve('@virtrigaud/provider-mock/package.json')),
  'dist',
  'main.js',
);

type Replica = Started<{ address: string; metrics: string }>;

async function startReplicas(count: number, stateDir: string): Promise<Replica[]> {
  const empty = mkdtempSync(path.join(tmpdir(), 'scale-out-bench-files-'));
  // What the rendered Deployment puts into every pod's environment.
  Object.assign(process.env, {
    RATE_LIMIT_QPS: String(RATE_LIMIT.qps),
    RATE_LIMIT_BURST: String(RATE_LIMIT.burst),
    PROVIDER_REPLICAS: String(count),
    VIRTRIGAUD_CONFIG_DIR: empty,
    VIRTRIGAUD_CREDENTIALS_DIR: empty,
  });
  return Promise.all(
    Array.from({ length: count }, (_, i) =>
      startNode(
        [
          providerMock,
          '--grpc-addr=127.0.0.1:0',
          '--metrics-addr=127.0.0.1:0',
          '--provider-endpoint=mock://bench',
          `--mock-state-dir=${stateDir}`,
          `--mock-call-latency=${CALL_LATENCY}`,
          `--mock-task-latency=${TASK_LATENCY}`,
          `--mock-connection-concurrency=${CONNECTION_CONCURRENCY}`,
        ],
        (line) => {
          const entry = JSON.parse(line) as {
            msg?: string;
            grpcPort?: number;
            metricsPort?: number;
          };
          return entry.msg === 'provider started'
            ? { address: `127.0.0.1:${entry.grpcPort}`, metrics: `127.0.0.1:${entry.metricsPort}` }
            : undefined;
        },
        `provider-mock replica ${i}`,
      ),
    ),
  );
}

/** Create → TaskStatus until done → Describe, as the VirtualMachine controller does. */
async function createOne(
  gateway: InstanceType<typeof ProviderGateway>,
  endpoint: ProviderEndpoint,
  i: number,
): Promise<void> {
  const options = { correlationId: `bench-${i}` };
  const name = `bench-${i}`;
  const created = await gateway.call(
    endpoint,
    'create',
    {
      name,
      owner: { uid: randomUUID(), namespace: 'bench', name },
      classJson: '{"cpu":1,"memory":"512Mi"}',
      imageJson: '{"source":{"mock":{"name":"ubuntu-24.04"}}}',
      networksJson: '[]',
      disksJson: '[]',
      placementJson: '{}',
      userData: Buffer.alloc(0),
      metaData: Buffer.alloc(0),
      tags: [],
      targetHostId: '',
    },
    options,
  );
  for (;;) {
    const task = await gateway.call(endpoint, 'taskStatus', { task: created.task }, options);
    if (task.done) {
      if (task.error) throw new Error(`${name}: ${task.error}`);
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  await gateway.call(endpoint, 'describe', { id: created.id }, options);
}

interface Run {
  replicas: number;
  seconds: number;
  createsPerSecond: number;
  hypervisorCalls: number;
  hypervisorCallsPerSecond: number;
  /** CPU seconds (user + system) each replica process used during the run. */
  replicaCpuSeconds: number[];
  /** CPU seconds of this process (the manager's gateway and the 500 simulated controllers). */
  clientCpuSeconds: number;
  perReplicaCalls: number[];
  /** Load average over the last minute when the run ended (other users of the machine). */
  load1: number;
}

async function run(count: number): Promise<Run> {
  const stateDir = mkdtempSync(path.join(tmpdir(), 'scale-out-bench-state-'));
  const replicas = await startReplicas(count, stateDir);
  const gateway = new ProviderGateway({
    metrics: new ManagerMetrics(),
    log: pino({ level: 'silent' }),
  });
  const endpoint: ProviderEndpoint = {
    key: 'bench/mock',
    address: 'virtrigaud-provider-mock.bench.svc:9090',
    replicas: replicas.map((r) => r.ready.address),
  };
  try {
    const cpuBefore = replicas.map((r) => cpuSeconds(r.child.pid!));
    const clientCpuBefore = process.cpuUsage();
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < CREATES) await createOne(gateway, endpoint, next++);
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const clientCpu = process.cpuUsage(clientCpuBefore);
    const replicaCpuSeconds = replicas.map((r, i) => cpuSeconds(r.child.pid!) - cpuBefore[i]);
    const perReplicaCalls = await Promise.all(
      replicas.map(async (r) =>
        // Every call that reaches the hypervisor (capabilities are the provider's own).
        total(
          await scrape(r.ready.metrics),
          'provider_grpc_requests_total',
          (l) => l.method !== 'GetCapabilities',
        ),
      ),
    );
    const hypervisorCalls = perReplicaCalls.reduce((a, b) => a + b, 0);
    return {
      replicas: count,
      seconds,
      createsPerSecond: CREATES / seconds,
      hypervisorCalls,
      hypervisorCallsPerSecond: hypervisorCalls / seconds,
      replicaCpuSeconds,
      clientCpuSeconds: (clientCpu.user + clientCpu.system) / 1e6,
      perReplicaCalls,
      load1: loadavg()[0],
    };
  } finally {
    gateway.close();
    await Promise.all(replicas.map((r) => r.stop()));
    rmSync(stateDir, { recursive: true, force: true });
  }
}

const runs: Run[] = [];
for (const count of REPLICA_COUNTS) {
  const result = await run(count);
  runs.push(result);
  console.log(
    `${count} replica(s): ${CREATES} creates in ${result.seconds.toFixed(2)} s = ` +
      `${result.createsPerSecond.toFixed(1)} creates/s; hypervisor calls ${result.hypervisorCalls} ` +
      `(${result.hypervisorCallsPerSecond.toFixed(0)}/s, limit ${RATE_LIMIT.qps}/s), per replica ` +
      `${result.perReplicaCalls.join('/')}; CPU s per replica ` +
      `${result.replicaCpuSeconds.map((s) => s.toFixed(1)).join('/')}, client ` +
      `${result.clientCpuSeconds.toFixed(1)}; load ${result.load1.toFixed(1)}`,
  );
}
const rate = (n: number) => runs.find((r) => r.replicas === n)?.createsPerSecond;
const scaling = (to: number) => (rate(1) && rate(to) ? rate(to)! / rate(1)! : undefined);
const oneToThree = scaling(3);
// A token bucket lets through at most `burst` plus `qps` per second over any stretch of time.
const rateLimitRespected = runs.every(
  (r) => r.hypervisorCalls <= RATE_LIMIT.burst + RATE_LIMIT.qps * r.seconds,
);
console.log(
  JSON.stringify({
    benchmark: 'scale-out',
    creates: CREATES,
    concurrency: CONCURRENCY,
    callLatency: CALL_LATENCY,
    taskLatency: TASK_LATENCY,
    connectionConcurrency: CONNECTION_CONCURRENCY,
    rateLimit: RATE_LIMIT,
    runs,
    scaling1to3: oneToThree,
    scaling1to5: scaling(5),
    target1to3: TARGET_SCALING_1_TO_3,
    met: oneToThree !== undefined && oneToThree >= TARGET_SCALING_1_TO_3,
    rateLimitRespected,
  }),
);
if (!rateLimitRespected) {
  console.error('the hypervisor saw more calls than the Provider rate limit allows');
  process.exitCode = 1;
}

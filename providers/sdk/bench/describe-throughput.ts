// Benchmark (npm run bench): Describe over loopback with 64 concurrent streams against the mock
// provider, through the full runtime (validation, correlation id, deadline and per-operation
// timeout, rate-limit check, metrics, logging at info) and, in the same run, through a bare grpc-js
// server (same server options) calling the same backend. Reports req/s and p50/p99 of both and the
// runtime's overhead. Targets (issue 4): >= 15,000 req/s and p99 < 10 ms on one core, overhead
// < 15 %.
//
// "On one core": this process (the server under test, every thread of it) is pinned to CPU 0 and
// the load generator, h2load, to the other CPUs, so the server has exactly one core and the load
// generator never competes with it. On a one-CPU machine nothing is pinned and the report says so.
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { Server, ServerCredentials } from '@grpc/grpc-js';
import { ProviderService } from '@virtrigaud/proto';
import { createMockBackend } from '@virtrigaud/provider-mock';
import pino from 'pino';
import { GRPC_SERVER_OPTIONS, startProviderServer } from '@virtrigaud/provider-sdk';
import { describeLoad, type LoadOptions } from './h2load';

const LOAD: LoadOptions = {
  streams: Number(process.env.BENCH_CONCURRENCY ?? 64),
  seconds: Number(process.env.BENCH_SECONDS ?? 5),
  warmupSeconds: Number(process.env.BENCH_WARMUP_SECONDS ?? 2),
};
/** Each server is measured this many times, alternating, and its best run is kept: the machine
 * may be shared, and noise only ever makes a run slower. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const VM_ID = 'vm-000001';
const nullLog = pino({ level: 'silent' });

interface ServerUnderTest {
  address: string;
  /** Describe calls that reached the backend so far. */
  served(): number;
  /** Describe calls answered with a status other than OK so far. */
  failed(): Promise<number>;
  stop(): Promise<void>;
}

interface Result {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** CPU time (user + system, all threads) the server process spent per call. */
  serverCpuMicrosPerCall: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Pins this process to CPU 0; returns the CPUs left for the load generator (none: not pinned). */
function pinServerToOneCore(cpus: number): string | undefined {
  if (cpus < 2) return undefined;
  execFileSync('taskset', ['--all-tasks', '--cpu-list', '--pid', '0', String(process.pid)], {
    stdio: 'ignore',
  });
  return cpus === 2 ? '1' : `1-${cpus - 1}`;
}

async function measure(server: ServerUnderTest, loadCpus: string | undefined): Promise<Result> {
  const servedBefore = server.served();
  const cpuBefore = process.cpuUsage();
  const load = await describeLoad(server.address, VM_ID, { ...LOAD, cpus: loadCpus });
  const cpu = process.cpuUsage(cpuBefore);
  const failed = load.failed + (await server.failed());
  if (failed > 0) throw new Error(`${failed} Describe calls failed: the run measures nothing`);
  const calls = server.served() - servedBefore;
  const { latenciesMs } = load;
  return {
    requestsPerSecond: Math.round(latenciesMs.length / LOAD.seconds),
    p50Ms: percentile(latenciesMs, 50),
    p99Ms: percentile(latenciesMs, 99),
    serverCpuMicrosPerCall: Math.round(((cpu.user + cpu.system) / calls) * 10) / 10,
  };
}

/** The mock backend with one VM, counting the Describe calls that reach it. */
async function countingBackend() {
  const backend = createMockBackend({ taskLatencyMs: 0 });
  const ctx = { correlationId: 'seed', signal: new AbortController().signal, log: nullLog };
  await backend.create(ctx, {
    name: 'bench-vm',
    owner: { uid: 'bench', namespace: 'default', name: 'bench-vm' },
    class: { cpu: 2, memory: '4Gi' },
    image: { source: { mock: { name: 'img' } } },
    networks: [],
    disks: [],
    placement: {},
    tags: [],
  });
  let served = 0;
  const describe = backend.describe.bind(backend);
  backend.describe = (...args) => {
    served += 1;
    return describe(...args);
  };
  return { backend, served: () => served };
}

/** The same Describe on plain grpc-js: no validation, metrics, logging or deadline handling. */
async function startBare(): Promise<ServerUnderTest> {
  const { backend, served } = await countingBackend();
  const server = new Server(GRPC_SERVER_OPTIONS);
  const ctx = { correlationId: 'bare', signal: new AbortController().signal, log: nullLog };
  let failed = 0;
  server.addService(ProviderService, {
    describe: (
      call: { request: { id: string } },
      callback: (err: unknown, res?: unknown) => void,
    ) => {
      backend.describe(ctx, call.request.id).then(
        (found) =>
          callback(null, {
            exists: Boolean(found),
            powerState: found?.powerState ?? '',
            ips: found?.ips ?? [],
            consoleUrl: found?.consoleUrl ?? '',
            providerRawJson: JSON.stringify(found?.raw ?? {}),
          }),
        (err: unknown) => {
          failed += 1;
          callback(err);
        },
      );
    },
  } as never);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );
  return {
    address: `127.0.0.1:${port}`,
    served,
    failed: async () => failed,
    stop: async () => server.forceShutdown(),
  };
}

/** Describe answers other than OK, from the runtime's own `provider_grpc_requests_total`. */
async function failedDescribes(metricsUrl: string): Promise<number> {
  const text = await (await fetch(metricsUrl)).text();
  const series = /^provider_grpc_requests_total\{method="Describe",status="(\w+)"\} (\d+)$/gm;
  return [...text.matchAll(series)]
    .filter(([, status]) => status !== 'OK')
    .reduce((sum, [, , count]) => sum + Number(count), 0);
}

async function startRuntime(): Promise<ServerUnderTest> {
  const { backend, served } = await countingBackend();
  const provider = await startProviderServer({
    type: 'mock',
    createBackend: () => backend,
    logLevel: 'info',
    logDestination: pino.destination('/dev/null'),
  });
  return {
    address: provider.address,
    served,
    failed: () => failedDescribes(provider.metricsUrl),
    stop: () => provider.stop(),
  };
}

const best = (results: Result[]) =>
  results.reduce((a, b) => (b.requestsPerSecond > a.requestsPerSecond ? b : a));

async function main() {
  const cpus = os.availableParallelism();
  const loadCpus = pinServerToOneCore(cpus);
  const runs = { bare: [] as Result[], runtime: [] as Result[] };
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const [name, start] of [
      ['bare', startBare],
      ['runtime', startRuntime],
    ] as const) {
      const server = await start();
      try {
        runs[name].push(await measure(server, loadCpus));
      } finally {
        await server.stop();
      }
    }
  }
  const runtime = best(runs.runtime);
  const bare = best(runs.bare);
  const overheadPercent = Number(
    ((1 - runtime.requestsPerSecond / bare.requestsPerSecond) * 100).toFixed(1),
  );
  const cpuOverheadPercent = Number(
    ((runtime.serverCpuMicrosPerCall / bare.serverCpuMicrosPerCall - 1) * 100).toFixed(1),
  );
  const report = {
    benchmark: 'provider-sdk Describe throughput (mock backend, loopback, h2load, one connection)',
    streams: LOAD.streams,
    seconds: LOAD.seconds,
    rounds: ROUNDS,
    cpus,
    serverPinnedToOneCore: loadCpus !== undefined,
    runtime,
    bareGrpcJs: bare,
    overheadPercent,
    cpuOverheadPercent,
    targets: {
      requestsPerSecond: { target: 15_000, met: runtime.requestsPerSecond >= 15_000 },
      p99Ms: { target: 10, met: runtime.p99Ms < 10 },
      overheadPercent: { target: 15, met: overheadPercent < 15 },
    },
  };
  console.log(JSON.stringify(report, null, 2));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

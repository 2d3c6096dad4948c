// Benchmark (npm run bench): Describe over loopback with 64 concurrent streams against the mock
// provider, through the full runtime (validation, correlation id, deadline and per-operation
// timeout, rate-limit check, metrics, logging at info) and, in the same run, through a bare grpc-js
// server (same server options) calling the same backend. Reports req/s, p50/p99 (and p99.9/max)
// of both and the runtime's overhead. Targets: >= 15,000 req/s on one core, overhead < 15 %.
//
// Each server runs in a process of its own (bench-server.ts), as a provider does, with plain node
// (as the provider images run it), pinned to CPU 0 with taskset; the load generator, h2load, runs on
// the other CPUs, so the server has exactly one core and the load generator never competes with
// it. On a one-CPU machine nothing is pinned and the report says so.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { BENCH_VM_ID } from './bench-server';
import { describeLoad, type LoadOptions } from './h2load';

const LOAD: LoadOptions = {
  streams: Number(process.env.BENCH_CONCURRENCY ?? 64),
  seconds: Number(process.env.BENCH_SECONDS ?? 5),
  warmupSeconds: Number(process.env.BENCH_WARMUP_SECONDS ?? 2),
};
/** Each server is measured this many times, alternating, and its best run is kept: the machine
 * may be shared, and noise only ever makes a run slower. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

interface ServerStats {
  served: number;
  failed: number;
  cpuMicros: number;
}

/** A bench-server process: its address, its counters on request, and its stop. */
interface ServerProcess {
  address: string;
  stats(): Promise<ServerStats>;
  stop(): Promise<void>;
}

interface Result {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** The tail beyond p99: a pause of the process (e.g. a full GC) holds every call in flight. */
  p999Ms: number;
  maxMs: number;
  /** CPU time (user + system, all threads) the server process spent per call. */
  serverCpuMicrosPerCall: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Where server and load generator run: CPU 0 and the rest, or unpinned on one CPU. */
function cpuSplit(cpus: number): { server?: string; load?: string } {
  if (cpus < 2) return {};
  return { server: '0', load: cpus === 2 ? '1' : `1-${cpus - 1}` };
}

async function startServer(kind: 'bare' | 'runtime', cpus?: string): Promise<ServerProcess> {
  const node = [process.execPath, path.join(__dirname, 'bench-server.js')];
  const [command, ...args] = cpus ? ['taskset', '-c', cpus, ...node, kind] : [...node, kind];
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async <T>(): Promise<T> => {
    const { value, done } = await lines.next();
    if (done) throw new Error(`bench-server ${kind} exited early`);
    return JSON.parse(value) as T;
  };
  const { address } = await next<{ address: string }>();
  return {
    address,
    stats: () => {
      child.stdin.write('stats\n');
      return next<ServerStats>();
    },
    stop: async () => {
      child.stdin.end();
      if (child.exitCode === null) await once(child, 'exit');
    },
  };
}

async function measure(server: ServerProcess, loadCpus: string | undefined): Promise<Result> {
  const before = await server.stats();
  const load = await describeLoad(server.address, BENCH_VM_ID, { ...LOAD, cpus: loadCpus });
  const after = await server.stats();
  const failed = load.failed + after.failed;
  if (failed > 0) throw new Error(`${failed} Describe calls failed: the run measures nothing`);
  const { latenciesMs } = load;
  const micros = (after.cpuMicros - before.cpuMicros) / (after.served - before.served);
  return {
    requestsPerSecond: Math.round(latenciesMs.length / LOAD.seconds),
    p50Ms: percentile(latenciesMs, 50),
    p99Ms: percentile(latenciesMs, 99),
    p999Ms: percentile(latenciesMs, 99.9),
    maxMs: latenciesMs[latenciesMs.length - 1],
    serverCpuMicrosPerCall: Math.round(micros * 10) / 10,
  };
}

const best = (results: Result[]) =>
  results.reduce((a, b) => (b.requestsPerSecond > a.requestsPerSecond ? b : a));

async function main() {
  const cpus = os.availableParallelism();
  const placement = cpuSplit(cpus);
  const runs = { bare: [] as Result[], runtime: [] as Result[] };
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const kind of ['bare', 'runtime'] as const) {
      const server = await startServer(kind, placement.server);
      try {
        runs[kind].push(await measure(server, placement.load));
      } finally {
        await server.stop();
      }
    }
  }
  const runtime = best(runs.runtime);
  const bare = best(runs.bare);
  // The extra time a call takes through the runtime, as a share of a bare call's time: on one
  // saturated core a call's time is 1 / req/s.
  const overheadPercent = Number(
    ((bare.requestsPerSecond / runtime.requestsPerSecond - 1) * 100).toFixed(1),
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
    serverPinnedToOneCore: placement.server !== undefined,
    runtime,
    bareGrpcJs: bare,
    overheadPercent,
    cpuOverheadPercent,
    targets: {
      requestsPerSecond: { target: 15_000, met: runtime.requestsPerSecond >= 15_000 },
      overheadPercent: { target: 15, met: overheadPercent < 15 },
    },
  };
  console.log(JSON.stringify(report, null, 2));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

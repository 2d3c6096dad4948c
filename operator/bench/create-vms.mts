// Benchmark (issue 5): 1,000 VirtualMachines created at once against the mock provider (zero task
// latency) on the devcluster, then the cache grown to 10,000 Running VMs.
//
//   npm run bench -w @virtrigaud/operator        (after `tsc -b`, which scripts/bench.sh runs)
//   VMS=1000 CACHED_VMS=10000 VM_CONCURRENCY=10 CREATE_CONCURRENCY=50 (defaults)
//
// Every part is real and a process of its own: the devcluster CLI (API server + dev kubelet),
// the manager (operator/dist/main.js, run as the manager image runs it: plain node, so /proc gives
// its RSS), and provider-mock, which the dev kubelet starts from the Deployment the manager
// generates. This process only creates objects and watches them.
//
// The floor, measured first in the same run against the same API server: a minimal client that
// creates the same number of VMs with the same concurrency and performs, per VM, exactly the
// writes the manager needs for a VM to go from nothing to Running (FLOOR_WRITES), with no gRPC,
// no cache and no work queue in between.
import { createRequire } from 'node:module';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import api from '@virtrigaud/api';
import kube from '@virtrigaud/kube';
import { scrape, total, type Sample } from './support/metrics.mts';
import { cpuSeconds, descendants, residentMemory, startNode } from './support/process.mts';

const { Resources } = api;
const { KubeClient, KubeResources, loadKubeConfig } = kube;
type KubeObject = import('@virtrigaud/kube').KubeObject;

const VMS = Number(process.env.VMS ?? 1_000);
const CACHED_VMS = Math.max(VMS, Number(process.env.CACHED_VMS ?? 10_000));
/** Workers of the manager's VirtualMachine controller, and of the floor client. */
const VM_CONCURRENCY = Number(process.env.VM_CONCURRENCY ?? 10);
/** Requests in flight while this process creates the VMs (both runs). */
const CREATE_CONCURRENCY = Number(process.env.CREATE_CONCURRENCY ?? 50);
/** Set to write a heap snapshot of the manager with the full cache into the current directory. */
const HEAP_SNAPSHOT = Boolean(process.env.MANAGER_HEAP_SNAPSHOT);
const FLOOR_ROUNDS = 3;
const TARGETS = { floorRatio: 1.5, writesPerVM: 6, rssBytes: 256e6 };
const NAMESPACE = 'bench';
const FLOOR_NAMESPACE = 'bench-floor';

const here = path.dirname(new URL(import.meta.url).pathname);
const require = createRequire(import.meta.url);
const devclusterCli = path.join(
  path.dirname(require.resolve('@virtrigaud/devcluster/package.json')),
  'dist',
  'cli.js',
);

type VM = KubeObject & { status?: { phase?: string } };

function vm(namespace: string, name: string, provider = 'mock-0'): VM {
  return {
    apiVersion: 'infra.virtrigaud.io/v1beta1',
    kind: 'VirtualMachine',
    metadata: { name, namespace },
    spec: {
      providerRef: { name: provider },
      classRef: { name: 'small' },
      imageRef: { name: 'mock' },
    },
  } as VM;
}

function providerName(index: number): string {
  return `mock-${index}`;
}

/** Runs `task(0..count-1)` with `width` in flight. */
async function inParallel(count: number, width: number, task: (i: number) => Promise<unknown>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, count) }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

/** Polls `check` until it returns a value, or fails after the deadline. */
async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const work = mkdtempSync(path.join(tmpdir(), 'virtrigaud-bench-'));
const kubeconfigPath = path.join(work, 'kubeconfig');
const devcluster = await startNode(
  [devclusterCli, '--kubeconfig', kubeconfigPath],
  (line) => (line.startsWith('devcluster ready at') ? true : undefined),
  'devcluster',
);
let manager: Awaited<ReturnType<typeof startManager>> | undefined;
try {
  const requests = { writes: 0 };
  const client = new KubeClient(loadKubeConfig(kubeconfigPath), (verb) => {
    if (verb !== 'LIST' && verb !== 'GET' && verb !== 'WATCH') requests.writes += 1;
  });
  for (const file of readdirSync(path.join(here, '..', 'config', 'crd'))) {
    const text = readFileSync(path.join(here, '..', 'config', 'crd', file), 'utf8');
    await client.create(KubeResources.CustomResourceDefinition, parse(text));
  }
  for (const name of [NAMESPACE, FLOOR_NAMESPACE]) {
    await client.create(KubeResources.Namespace, {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name },
    });
  }

  // ---- the floor ----
  // Several rounds, the median counts: a run of a few seconds on a shared machine is noisy.
  const floorRuns = [];
  for (let round = 0; round < FLOOR_ROUNDS; round++) {
    const floorCpu = cpuMeter(devcluster.child.pid!);
    floorRuns.push({ ...(await runFloor(client, requests, round)), cpu: floorCpu() });
    await removeFloorVMs(client);
  }
  floorRuns.sort((a, b) => a.seconds - b.seconds);
  const floor = {
    ...floorRuns[Math.floor(floorRuns.length / 2)],
    rounds: floorRuns.map((run) => run.seconds),
  };

  // ---- the manager: VMS VMs at once ----
  await createClassAndImage(client);
  await createMockProvider(client, providerName(0));
  manager = await startManager();
  const metricsAddress = manager.ready;
  await providerReady(client, providerName(0));
  const running = await watchRunning(client);
  const before = await scrape(metricsAddress);
  const cpu = cpuMeter(devcluster.child.pid!, manager.child.pid!);
  let started = performance.now();
  await inParallel(VMS, CREATE_CONCURRENCY, (i) =>
    client.create(Resources.VirtualMachine, vm(NAMESPACE, `vm-${i}`, providerName(0))),
  );
  await running.reach(VMS, 300_000);
  const seconds = (performance.now() - started) / 1000;
  const busy = cpu();
  const after = await settledMetrics(metricsAddress);
  const memoryAt1000 = { ...residentMemory(manager.child.pid!), ...heapOf(after) };

  // ---- the cache grown to CACHED_VMS Running VMs, VMS per Provider ----
  // (one provider-mock answers in O(its VMs) per call, so a single one would bound this phase)
  const providers = Math.ceil(CACHED_VMS / VMS);
  for (let p = 1; p < providers; p++) await createMockProvider(client, providerName(p));
  for (let p = 1; p < providers; p++) await providerReady(client, providerName(p));
  started = performance.now();
  await inParallel(CACHED_VMS - VMS, CREATE_CONCURRENCY, (i) =>
    client.create(
      Resources.VirtualMachine,
      vm(NAMESPACE, `vm-${VMS + i}`, providerName(1 + Math.floor(i / VMS))),
    ),
  );
  await running.reach(CACHED_VMS, 1_800_000);
  const fillSeconds = (performance.now() - started) / 1000;
  const full = await settledMetrics(metricsAddress);
  const memoryFull = { ...residentMemory(manager.child.pid!), ...heapOf(full) };
  running.stop();
  if (HEAP_SNAPSHOT) await heapSnapshot(manager.child.pid!);

  report({
    seconds,
    busy,
    floor,
    delta: diff(before, after),
    memoryAt1000,
    memoryFull,
    fillSeconds,
  });
} finally {
  await manager?.stop();
  await devcluster.stop();
  rmSync(work, { recursive: true, force: true });
}

interface Condition {
  type: string;
  status: string;
}

// The writes the manager needs per VM on the way to Running against a provider whose Create
// leaves the VM off (the mock): finalizer; status after Create (id + task, so a restart resumes
// the task instead of creating again); status after the power-on call (its task); final status;
// the Created and Running events. Each conditional on the resourceVersion, like the manager's.
async function runFloor(
  client: InstanceType<typeof KubeClient>,
  requests: { writes: number },
  round: number,
) {
  const conditions = (reason: string, status = 'False') => [
    {
      type: 'Ready',
      status,
      reason,
      message: reason,
      lastTransitionTime: new Date().toISOString(),
    },
  ];
  const statusWrites = [
    {
      phase: 'Provisioning',
      id: 'id',
      lastTaskRef: 'task-1',
      conditions: conditions('Provisioning'),
    },
    {
      phase: 'Provisioning',
      id: 'id',
      lastTaskRef: 'task-2',
      conditions: conditions('PoweringOn'),
    },
    { phase: 'Running', id: 'id', lastTaskRef: null, conditions: conditions('Running', 'True') },
  ];
  const events: Promise<unknown>[] = [];
  const event = (obj: VM, reason: string) =>
    client
      .create(KubeResources.Event, {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name: `${obj.metadata.name}.${reason}.${round}`, namespace: FLOOR_NAMESPACE },
        involvedObject: { kind: 'VirtualMachine', name: obj.metadata.name, uid: obj.metadata.uid },
        type: 'Normal',
        reason,
        message: reason,
      } as KubeObject)
      .catch(() => {});
  const writesBefore = requests.writes;
  const started = performance.now();
  const created: VM[] = [];
  const waiting: ((obj: VM | undefined) => void)[] = [];
  let creating = true;
  const next = () =>
    created.length > 0 || !creating
      ? Promise.resolve(created.shift())
      : new Promise<VM | undefined>((resolve) => waiting.push(resolve));
  const creators = inParallel(VMS, CREATE_CONCURRENCY, async (i) => {
    const obj = await client.create<VM>(Resources.VirtualMachine, vm(FLOOR_NAMESPACE, `vm-${i}`));
    const waiter = waiting.shift();
    if (waiter) waiter(obj);
    else created.push(obj);
  }).then(() => {
    creating = false;
    for (const waiter of waiting.splice(0)) waiter(undefined);
  });
  const writers = Array.from({ length: VM_CONCURRENCY }, async () => {
    for (let obj = await next(); obj; obj = await next()) {
      const { name } = obj.metadata;
      obj = await client.patch<VM>(Resources.VirtualMachine, FLOOR_NAMESPACE, name!, {
        metadata: { resourceVersion: obj.metadata.resourceVersion, finalizers: ['bench/floor'] },
      });
      for (const [i, status] of statusWrites.entries()) {
        obj = await client.patchStatus<VM>(Resources.VirtualMachine, FLOOR_NAMESPACE, name!, {
          metadata: { resourceVersion: obj.metadata.resourceVersion },
          status,
        });
        if (i === 0) events.push(event(obj, 'Created'));
      }
      events.push(event(obj, 'Running'));
    }
  });
  await Promise.all([creators, ...writers]);
  await Promise.all(events);
  return {
    seconds: (performance.now() - started) / 1000,
    writesPerVM: (requests.writes - writesBefore) / VMS - 1,
  };
}

async function removeFloorVMs(client: InstanceType<typeof KubeClient>) {
  await inParallel(VMS, CREATE_CONCURRENCY, async (i) => {
    await client.patch(Resources.VirtualMachine, FLOOR_NAMESPACE, `vm-${i}`, {
      metadata: { finalizers: null },
    });
    await client.delete(Resources.VirtualMachine, FLOOR_NAMESPACE, `vm-${i}`);
  });
}

function object(kind: string, name: string, spec: unknown): KubeObject {
  return {
    apiVersion: 'infra.virtrigaud.io/v1beta1',
    kind,
    metadata: { name, namespace: NAMESPACE },
    spec,
  } as KubeObject;
}

async function createClassAndImage(client: InstanceType<typeof KubeClient>) {
  await client.create(Resources.VMClass, object('VMClass', 'small', { cpu: 1, memory: '1Gi' }));
  await client.create(
    Resources.VMImage,
    object('VMImage', 'mock', { source: { mock: { name: 'ubuntu' } } }),
  );
}

async function createMockProvider(client: InstanceType<typeof KubeClient>, name: string) {
  await client.create(
    Resources.Provider,
    object('Provider', name, {
      type: 'mock',
      endpoint: 'mock://bench',
      // Zero latency and the largest rate limit the API allows: the hypervisor side must not
      // be what bounds the run.
      rateLimit: { qps: 10_000, burst: 100_000 },
      runtime: { env: [{ name: 'MOCK_TASK_LATENCY', value: '0s' }] },
    }),
  );
}

async function providerReady(client: InstanceType<typeof KubeClient>, name: string) {
  type Provider = KubeObject & { status?: { conditions?: Condition[] } };
  await until(
    `Provider "${name}" Ready`,
    async () => {
      const provider = await client.get<Provider>(Resources.Provider, NAMESPACE, name);
      const ready = provider?.status?.conditions?.find((c) => c.type === 'Ready');
      return ready?.status === 'True' ? true : undefined;
    },
    120_000,
  );
}

/** Signals the manager to write a heap snapshot and waits until the file is complete. */
async function heapSnapshot(pid: number) {
  const written = () => readdirSync('.').filter((f) => f.endsWith('.heapsnapshot'));
  const before = new Set(written());
  process.kill(pid, 'SIGUSR2');
  const file = await until(
    'the heap snapshot',
    async () => written().find((f) => !before.has(f)),
    120_000,
  );
  // The file is written incrementally; it is complete once its size stops changing.
  let size = -1;
  await until(
    'the heap snapshot to be complete',
    async () => {
      const now = statSync(file).size;
      const done = now === size && now > 0;
      size = now;
      return done ? true : undefined;
    },
    120_000,
  );
  console.log(`manager heap snapshot: ${path.resolve(file)}`);
}

/** CPU seconds used from now on by this process, the given processes and their children. */
function cpuMeter(...pids: number[]): () => Record<string, number> {
  const sample = () => {
    const all = pids.flatMap((pid) => [pid, ...descendants(pid)]);
    return new Map(all.map((pid) => [pid, cpuSeconds(pid)]));
  };
  const start = sample();
  const self = process.cpuUsage();
  return () => {
    const end = sample();
    const used = (pid: number) => (end.get(pid) ?? 0) - (start.get(pid) ?? 0);
    const [apiServer, managerPid] = pids;
    const pods = [...end.keys()].filter((pid) => !pids.includes(pid));
    const mine = process.cpuUsage(self);
    return {
      'API server': used(apiServer),
      ...(managerPid && { manager: used(managerPid) }),
      ...(pods.length > 0 && { 'provider-mock': pods.reduce((sum, pid) => sum + used(pid), 0) }),
      'bench client': (mine.user + mine.system) / 1e6,
    };
  };
}

function startManager() {
  return startNode(
    [
      ...(HEAP_SNAPSHOT ? ['--heapsnapshot-signal=SIGUSR2'] : []),
      path.join(here, '..', 'dist', 'main.js'),
      `--kubeconfig=${kubeconfigPath}`,
      '--metrics-addr=127.0.0.1:0',
      '--health-addr=0',
      `--vm-concurrency=${VM_CONCURRENCY}`,
    ],
    (line) => {
      try {
        return (JSON.parse(line) as { metrics?: string }).metrics;
      } catch {
        return undefined;
      }
    },
    'manager',
  );
}

/** Follows the VMs of the bench namespace and tells when `count` of them are Running. */
async function watchRunning(client: InstanceType<typeof KubeClient>) {
  const runningNames = new Set<string>();
  let waiter: { count: number; resolve: () => void } | undefined;
  let failed: unknown;
  const stream = await client.watch(
    Resources.VirtualMachine,
    NAMESPACE,
    { allowWatchBookmarks: false },
    (event) => {
      const obj = event.object as VM;
      if (event.type !== 'DELETED' && obj.status?.phase === 'Running') {
        runningNames.add(obj.metadata.name!);
      } else {
        runningNames.delete(obj.metadata.name!);
      }
      if (waiter && runningNames.size >= waiter.count) waiter.resolve();
    },
    (err) => {
      failed = err ?? new Error('the VM watch ended');
    },
  );
  return {
    async reach(count: number, timeoutMs: number) {
      await until(
        `${count} VMs Running (${runningNames.size} so far)`,
        async () => {
          if (failed) throw failed;
          return runningNames.size >= count ? true : undefined;
        },
        timeoutMs,
      );
    },
    stop: () => stream.abort(),
  };
}

/** Metrics once the manager is idle: queue empty and no API write for two scrapes in a row. */
async function settledMetrics(address: string): Promise<Sample[]> {
  let previous = await scrape(address);
  return until(
    'the manager to go idle',
    async () => {
      await new Promise((resolve) => setTimeout(resolve, 400));
      const current = await scrape(address);
      const writes = (s: Sample[]) => total(s, 'virtrigaud_kube_api_requests_total', isWrite);
      const idle =
        total(current, 'virtrigaud_workqueue_depth') === 0 && writes(current) === writes(previous);
      previous = current;
      return idle ? current : undefined;
    },
    120_000,
  );
}

function isWrite(labels: Record<string, string>): boolean {
  return ['POST', 'PUT', 'PATCH', 'DELETE'].includes(labels.verb);
}

function heapOf(samples: Sample[]) {
  return {
    heapUsed: total(samples, 'nodejs_heap_size_used_bytes'),
    heapTotal: total(samples, 'nodejs_heap_size_total_bytes'),
    external: total(samples, 'nodejs_external_memory_bytes'),
  };
}

function diff(before: Sample[], after: Sample[]) {
  const delta = (name: string, where?: (l: Record<string, string>) => boolean) =>
    total(after, name, where) - total(before, name, where);
  const api = 'virtrigaud_kube_api_requests_total';
  const byKind: Record<string, number> = {};
  for (const s of after.filter((s) => s.name === api && isWrite(s.labels))) {
    const key = `${s.labels.verb} ${s.labels.resource}`;
    byKind[key] = (byKind[key] ?? 0) + s.value;
  }
  for (const s of before.filter((s) => s.name === api && isWrite(s.labels))) {
    byKind[`${s.labels.verb} ${s.labels.resource}`] -= s.value;
  }
  return {
    requests: delta(api, (l) => l.verb !== 'WATCH'),
    writes: delta(api, isWrite),
    conflicts: delta(api, (l) => l.code === '409'),
    byKind,
    reconciles: delta('virtrigaud_reconcile_total', (l) => l.controller === 'virtualmachine'),
    providerCalls: delta('virtrigaud_provider_calls_total'),
    /** Mean of a histogram over the run, in milliseconds. */
    meanMs: Object.fromEntries(
      (
        [
          ['reconcile', 'virtrigaud_reconcile_duration_seconds'],
          ['queue wait', 'virtrigaud_workqueue_queue_duration_seconds'],
          ['API request', 'virtrigaud_kube_api_request_duration_seconds'],
          ['gRPC call', 'virtrigaud_provider_call_duration_seconds'],
        ] as const
      ).map(([what, name]) => {
        const vmOnly = (l: Record<string, string>) =>
          !('controller' in l || 'name' in l) ||
          l.controller === 'virtualmachine' ||
          l.name === 'virtualmachine';
        const seconds = delta(`${name}_sum`, vmOnly) / delta(`${name}_count`, vmOnly);
        return [what, seconds * 1000];
      }),
    ),
  };
}

function cpuLine(cpu: Record<string, number>): string {
  return Object.entries(cpu)
    .map(([who, seconds]) => `${who} ${seconds.toFixed(1)}`)
    .join(', ');
}

type Row = [name: string, value: string, target: string, met: boolean | undefined];

function report(r: {
  seconds: number;
  busy: Record<string, number>;
  floor: { seconds: number; rounds: number[]; writesPerVM: number; cpu: Record<string, number> };
  delta: ReturnType<typeof diff>;
  memoryAt1000: ReturnType<typeof residentMemory> & ReturnType<typeof heapOf>;
  memoryFull: ReturnType<typeof residentMemory> & ReturnType<typeof heapOf>;
  fillSeconds: number;
}) {
  const mb = (bytes: number) =>
    `${(bytes / 1e6).toFixed(0)} MB (${(bytes / 2 ** 20).toFixed(0)} MiB)`;
  const ratio = r.seconds / r.floor.seconds;
  const writesPerVM = r.delta.writes / VMS;
  const rows: Row[] = [
    [`time to all Running (${VMS} VMs at once)`, `${r.seconds.toFixed(2)} s`, '', undefined],
    [
      `floor: ${VMS} creates + ${r.floor.writesPerVM} writes/VM by a minimal client`,
      `${r.floor.seconds.toFixed(2)} s (median of ${r.floor.rounds.map((x) => x.toFixed(2)).join(', ')})`,
      '',
      undefined,
    ],
    ['  CPU seconds in the median floor round', cpuLine(r.floor.cpu), '', undefined],
    [`  CPU seconds until all Running`, cpuLine(r.busy), '', undefined],
    [
      'time / floor',
      `${ratio.toFixed(2)}×`,
      `< ${TARGETS.floorRatio}×`,
      ratio < TARGETS.floorRatio,
    ],
    [
      'reconciles/s (VirtualMachine controller)',
      (r.delta.reconciles / r.seconds).toFixed(0),
      '',
      undefined,
    ],
    ['reconciles per VM', (r.delta.reconciles / VMS).toFixed(2), '', undefined],
    [
      'API requests per VM (all verbs, watches excluded)',
      (r.delta.requests / VMS).toFixed(2),
      '',
      undefined,
    ],
    [
      'API writes per VM',
      writesPerVM.toFixed(2),
      `≤ ${TARGETS.writesPerVM}`,
      writesPerVM <= TARGETS.writesPerVM,
    ],
    ...Object.entries(r.delta.byKind)
      .filter(([, n]) => n / VMS >= 0.005)
      .map(([kind, n]): Row => [`  ${kind}`, (n / VMS).toFixed(2), '', undefined]),
    ['409 conflicts per VM', (r.delta.conflicts / VMS).toFixed(2), '', undefined],
    ['provider gRPC calls per VM', (r.delta.providerCalls / VMS).toFixed(2), '', undefined],
    [
      'mean latency seen by the manager',
      Object.entries(r.delta.meanMs)
        .map(([what, ms]) => `${what} ${ms.toFixed(1)} ms`)
        .join(', '),
      '',
      undefined,
    ],
    [`manager RSS, ${VMS} VMs cached`, mb(r.memoryAt1000.rss), '', undefined],
    [
      `manager RSS, ${CACHED_VMS} Running VMs cached`,
      mb(r.memoryFull.rss),
      `≤ ${mb(TARGETS.rssBytes)}`,
      CACHED_VMS >= 10_000 ? r.memoryFull.rss <= TARGETS.rssBytes : undefined,
    ],
    ['  peak RSS (VmHWM) during the run', mb(r.memoryFull.peak), '', undefined],
    [
      '  V8 heap used / total, external',
      `${mb(r.memoryFull.heapUsed)} / ${mb(r.memoryFull.heapTotal)}, ${mb(r.memoryFull.external)}`,
      '',
      undefined,
    ],
    [
      `time to grow the cache to ${CACHED_VMS} Running`,
      `${r.fillSeconds.toFixed(1)} s`,
      '',
      undefined,
    ],
  ];
  const width = Math.max(...rows.map((row) => row[0].length));
  const valueWidth = Math.max(...rows.map((row) => row[1].length));
  console.log('\noperator benchmark: VirtualMachines against provider-mock on the devcluster\n');
  for (const [name, value, target, met] of rows) {
    const verdict = met === undefined ? '' : met ? '  met' : '  NOT MET';
    console.log(`${name.padEnd(width)}  ${value.padEnd(valueWidth)}  ${target}${verdict}`);
  }
  const missed = rows.filter((row) => row[3] === false).map((row) => row[0]);
  console.log(missed.length === 0 ? '\ntargets met' : `\ntargets NOT met: ${missed.join('; ')}`);
}

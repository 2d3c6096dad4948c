// Benchmark: manager memory with 10,000 VirtualMachines cached, and the API requests it spends
// on them, against the devcluster. The VMs name a Provider that does not exist, so every VM is
// reconciled once (finalizer + Pending status + event) and then stays cached; the manager's RSS
// is read from /proc once all of them report their condition. Also reports the floor: the same
// writes done directly by a minimal client.
//   npm run bench -w @virtrigaud/operator          (VMS=10000 by default)
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { startDevCluster } from '@virtrigaud/devcluster';
import { parse } from 'yaml';
import { readdirSync } from 'node:fs';
import op from '../dist/index.js';

const { KubeClient, loadKubeConfig, Resources } = op;
const VMS = Number(process.env.VMS ?? 10_000);
const here = path.dirname(new URL(import.meta.url).pathname);
const crdDir = path.join(here, '..', 'config', 'crd');
const CRDS = {
  group: 'apiextensions.k8s.io',
  version: 'v1',
  plural: 'customresourcedefinitions',
  kind: 'CustomResourceDefinition',
  namespaced: false,
};

const cluster = await startDevCluster({});
const client = new KubeClient(loadKubeConfig(cluster.kubeconfigPath));
for (const file of readdirSync(crdDir).filter((f) => f.endsWith('.yaml'))) {
  await client.create(CRDS, parse(readFileSync(path.join(crdDir, file), 'utf8')));
}

function vm(name: string) {
  return {
    apiVersion: 'infra.virtrigaud.io/v1beta1',
    kind: 'VirtualMachine',
    metadata: { name, namespace: 'default' },
    spec: {
      providerRef: { name: 'absent' },
      classRef: { name: 'small' },
      imageRef: { name: 'ubuntu' },
    },
  };
}

async function inParallel(count: number, width: number, task: (i: number) => Promise<unknown>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

// Floor: a minimal client doing, per VM, what the manager must do for it here (finalizer patch,
// status patch, event) after the VM exists.
const floorCount = Math.min(VMS, 1000);
await inParallel(floorCount, 50, (i) => client.create(Resources.VirtualMachine, vm(`floor-${i}`)));
let started = performance.now();
await inParallel(floorCount, 50, async (i) => {
  const name = `floor-${i}`;
  await client.patch(Resources.VirtualMachine, 'default', name, {
    metadata: { finalizers: ['x/y'] },
  });
  await client.patchStatus(Resources.VirtualMachine, 'default', name, {
    status: { phase: 'Pending' },
  });
  await client.create(Resources.Event, {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${name}.e`, namespace: 'default' },
    involvedObject: { kind: 'VirtualMachine', name, namespace: 'default' },
    reason: 'X',
    message: 'x',
    type: 'Normal',
  });
});
const floorSeconds = (performance.now() - started) / 1000;
await inParallel(floorCount, 50, async (i) => {
  await client.patch(Resources.VirtualMachine, 'default', `floor-${i}`, {
    metadata: { finalizers: null },
  });
  await client.delete(Resources.VirtualMachine, 'default', `floor-${i}`);
});

await inParallel(VMS, 50, (i) => client.create(Resources.VirtualMachine, vm(`vm-${i}`)));

started = performance.now();
// The heap limits the manager image sets in NODE_OPTIONS (see operator/Dockerfile).
const nodeFlags = (
  process.env.MANAGER_NODE_OPTIONS ?? '--max-old-space-size=160 --max-semi-space-size=2'
)
  .split(' ')
  .filter(Boolean);
const manager = spawn(
  process.execPath,
  [
    ...nodeFlags,
    path.join(here, '..', 'dist', 'main.js'),
    `--kubeconfig=${cluster.kubeconfigPath}`,
    '--metrics-addr=127.0.0.1:0',
    '--health-addr=0',
    '--vm-concurrency=50',
  ],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
let metricsAddress = '';
createInterface(manager.stdout!).on('line', (line) => {
  try {
    const entry = JSON.parse(line);
    if (entry.metrics) metricsAddress = entry.metrics;
  } catch {
    /* not a log line */
  }
});

async function settled(): Promise<number> {
  let done = 0;
  let token: string | undefined;
  do {
    const page = await client.list(Resources.VirtualMachine, 'default', {
      limit: 2000,
      continue: token,
    });
    done += page.items.filter(
      (o: { status?: { conditions?: { reason: string }[] } }) =>
        o.status?.conditions?.[0]?.reason === 'ProviderNotFound',
    ).length;
    token = page.metadata.continue || undefined;
  } while (token);
  return done;
}
while ((await settled()) < VMS) await new Promise((r) => setTimeout(r, 500));
const settleSeconds = (performance.now() - started) / 1000;
await new Promise((r) => setTimeout(r, 2000));
global.gc?.();
const rssMiB =
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${manager.pid}/status`, 'utf8'))![1]) / 1024;
const metrics = await (await fetch(`http://${metricsAddress}/metrics`)).text();
let writes = 0;
let requests = 0;
for (const [, verb, count] of metrics.matchAll(
  /virtrigaud_kube_api_requests_total\{verb="(\w+)"[^}]*\} (\d+)/g,
)) {
  requests += Number(count);
  if (['POST', 'PUT', 'PATCH', 'DELETE'].includes(verb)) writes += Number(count);
}
const heapUsedMiB =
  Number(/nodejs_heap_size_used_bytes (\d+(?:\.\d+)?(?:e\+\d+)?)/.exec(metrics)?.[1] ?? 0) /
  1048576;
manager.kill('SIGTERM');
await new Promise((r) => manager.once('exit', r));
await cluster.stop();

const result = {
  vmsCached: VMS,
  managerRssMiB: Math.round(rssMiB),
  rssTargetMiB: 200,
  managerHeapUsedMiB: Math.round(heapUsedMiB),
  secondsUntilAllReconciled: Number(settleSeconds.toFixed(1)),
  reconcilesPerSecond: Math.round(VMS / settleSeconds),
  apiRequestsPerVM: Number((requests / VMS).toFixed(2)),
  apiWritesPerVM: Number((writes / VMS).toFixed(2)),
  floorSecondsFor1000VMsOf3Writes: Number(floorSeconds.toFixed(2)),
  floorWritesPerSecond: Math.round((floorCount * 3) / floorSeconds),
};
console.log(JSON.stringify(result, null, 2));

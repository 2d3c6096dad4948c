// Benchmark of the libvirt provider on the real libvirtd (npm run bench -w @virtrigaud/provider-libvirt):
//   create→running and delete of N VMs through the provider (gRPC: Create, TaskStatus while it
//   returns a task, Power on; Delete) vs. the same steps as direct `virsh` runs (overlay
//   vol-create, define, start; destroy, undefine, vol-delete) in the same run, same pool, same
//   domain XML, VM by VM alternating between the two. Target: provider overhead under 20%, judged
//   on the median of the provider/direct ratios of the VM pairs (medians and means reported too).
//   Also the virsh processes one VM costs on each path, and the median of single virsh steps
//   (define, start, snapshot, destroy) on TCG domains.
//
//   BENCH_VMS=20 BENCH_ROUNDS=2 node bench/create-delete.js
/* global setTimeout */
const { execFile, execFileSync } = require('node:child_process');
const { randomUUID } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { performance } = require('node:perf_hooks');
const { promisify } = require('node:util');
const dist = path.join(__dirname, '..', 'dist');
const { createProviderClient, startProviderServer } = require('@virtrigaud/provider-sdk');
const { PowerOp } = require('@virtrigaud/proto');
const { createLibvirtBackend } = require(path.join(dist, 'libvirt-backend'));
const { buildDomainXml } = require(path.join(dist, 'domain/build-domain-xml'));
const { startTestRun, LOCAL_URI } = require(path.join(dist, 'testing/libvirt'));

const VMS = Number(process.env.BENCH_VMS ?? 20);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const TARGET_OVERHEAD = 0.2;
const run = promisify(execFile);
const virsh = (...args) => run('virsh', ['-q', '-c', LOCAL_URI, ...args]);
const scripts = path.join(__dirname, '..', 'scripts');

function domainXml(name, uuid, pool, volume) {
  return buildDomainXml({
    name,
    uuid,
    domainType: 'qemu',
    cpu: 1,
    maxCpu: 1,
    memoryMiB: 128,
    maxMemoryMiB: 128,
    firmware: 'BIOS',
    secureBoot: false,
    disks: [{ device: 'disk', pool, volume, format: 'qcow2', target: 'vda', bus: 'virtio' }],
    interfaces: [],
    console: { type: 'vnc', listen: '127.0.0.1' },
    description: 'bench',
    metadata: { owner: { uid: uuid, namespace: 'bench', name }, tags: [], volumes: [] },
  });
}

/** The direct path: the same steps as plain virsh runs. */
function directPath(t, xmlDir) {
  return {
    async create(round, i) {
      const name = `${t.prefix}-direct-${round}-${i}`;
      const volume = `${name}.qcow2`;
      await t.createOverlay(volume);
      const file = path.join(xmlDir, `${name}.xml`);
      fs.writeFileSync(file, domainXml(name, randomUUID(), t.pool, volume));
      await virsh('define', file);
      await virsh('start', name);
      return { name, volume };
    },
    async remove({ name, volume }) {
      await virsh('destroy', name);
      await virsh('undefine', name, '--snapshots-metadata');
      await virsh('vol-delete', '--pool', t.pool, volume);
    },
  };
}

async function waitTask(client, task) {
  if (!task?.id) return;
  for (let wait = 5; ; wait = Math.min(wait * 2, 100)) {
    const state = await client.taskStatus({ task });
    if (state.done) {
      if (state.error) throw new Error(state.error);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
}

/** The provider path over gRPC, as the operator drives it. */
function providerPath(t, client) {
  return {
    async create(round, i) {
      const name = `${t.prefix}-provider-${round}-${i}`;
      const owner = { uid: randomUUID(), namespace: 'bench', name };
      const res = await client.create({
        name,
        owner,
        classJson: JSON.stringify({ cpu: 1, memory: '128Mi' }),
        imageJson: JSON.stringify({ source: { libvirt: { path: t.baseImage, format: 'qcow2' } } }),
        networksJson: '[]',
        disksJson: '[]',
        placementJson: '{}',
      });
      await waitTask(client, res.task);
      await waitTask(
        client,
        (await client.power({ id: res.id, op: PowerOp.POWER_OP_ON, owner })).task,
      );
      return { id: res.id, owner };
    },
    async remove(vm) {
      await waitTask(client, (await client.delete(vm)).task);
    },
  };
}

async function timed(step) {
  const started = performance.now();
  const result = await step();
  return { ms: performance.now() - started, result };
}

/**
 * One round: VM i is created on both paths back to back (alternating which goes first), then
 * deleted the same way, so load from other users of the machine hits both paths alike. Every VM's
 * times are kept (`samples`), so the comparison can use medians: a burst of other work (another
 * test run, the provider's own periodic health probe listing every domain) lands on whichever VM
 * runs at that moment and would otherwise decide a sum.
 */
async function round(paths, index, samples) {
  const made = { direct: [], provider: [] };
  const order = (i) => (i % 2 === 0 ? ['direct', 'provider'] : ['provider', 'direct']);
  for (let i = 0; i < VMS; i++)
    for (const key of order(i)) {
      const { ms, result } = await timed(() => paths[key].create(index, i));
      samples[key].create.push(ms);
      made[key].push(result);
    }
  for (let i = 0; i < VMS; i++)
    for (const key of order(i))
      samples[key].delete.push((await timed(() => paths[key].remove(made[key][i]))).ms);
}

function middle(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const half = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[half] : (sorted[half - 1] + sorted[half]) / 2;
}

const mean = (samples) => samples.reduce((total, ms) => total + ms, 0) / samples.length;
const percent = (ratio) => `${Math.round((ratio - 1) * 100)}%`;

/**
 * A `virsh` on PATH that logs each run's subcommand, then runs the real one: counts the virsh
 * processes a step starts (the provider's virsh inherits PATH at each call).
 */
function virshCounter(dir) {
  const real = (process.env.PATH ?? '')
    .split(path.delimiter)
    .map((entry) => path.join(entry, 'virsh'))
    .find((file) => fs.existsSync(file));
  const log = path.join(dir, 'runs.log');
  fs.writeFileSync(
    path.join(dir, 'virsh'),
    `#!/bin/sh\n# $1 $2 $3 are -q -c <uri>\nprintf '%s\\n' "$4" >> '${log}'\nexec '${real}' "$@"\n`,
    { mode: 0o755 },
  );
  return async (step) => {
    fs.writeFileSync(log, '');
    const saved = process.env.PATH;
    process.env.PATH = `${dir}${path.delimiter}${saved}`;
    try {
      await step();
    } finally {
      process.env.PATH = saved;
    }
    return fs.readFileSync(log, 'utf8').split('\n').filter(Boolean);
  };
}

/** virsh runs of one VM's create→running and delete on each path. */
async function countVirshRuns(paths, dir) {
  const count = virshCounter(dir);
  const runs = {};
  for (const key of ['direct', 'provider']) {
    let vm;
    const createToRunning = await count(async () => (vm = await paths[key].create('count', 0)));
    const remove = await count(() => paths[key].remove(vm));
    const listed = (subcommands) => `${subcommands.length}: ${subcommands.join(', ')}`;
    runs[key] = { createToRunning: listed(createToRunning), delete: listed(remove) };
  }
  return runs;
}

/** Median ms of `times` runs of `step`, to 0.1 ms. */
async function median(times, step) {
  const samples = [];
  for (let i = 0; i < times; i++) samples.push((await timed(() => step(i))).ms);
  return Math.round(middle(samples) * 10) / 10;
}

async function singleSteps(t) {
  const name = `${t.prefix}-steps`;
  const volume = `${name}.qcow2`;
  await t.createOverlay(volume);
  const file = path.join(t.poolDir, `${name}.xml`);
  fs.writeFileSync(file, domainXml(name, randomUUID(), t.pool, volume));
  const result = {};
  result.defineMs = await median(5, async () => {
    await virsh('define', file);
  });
  const started = [];
  const destroyed = [];
  for (let i = 0; i < 5; i++) {
    started.push(await median(1, () => virsh('start', name)));
    if (i === 0)
      result.snapshotMs = await median(5, (n) =>
        virsh('snapshot-create-as', name, '--name', `s${n}`),
      );
    destroyed.push(await median(1, () => virsh('destroy', name)));
  }
  result.startMs = Math.round(middle(started) * 10) / 10;
  result.destroyMs = Math.round(middle(destroyed) * 10) / 10;
  await virsh('undefine', name, '--snapshots-metadata');
  await virsh('vol-delete', '--pool', t.pool, volume);
  return result;
}

/** A provider server (in this process) and a client for the duration of `work`. */
async function withProvider(t, options, work) {
  const server = await startProviderServer({
    type: 'libvirt',
    createBackend: createLibvirtBackend,
    endpoint: LOCAL_URI,
    namespace: 'bench',
    name: t.prefix,
    credentials: {},
    options: { libvirt: { domainType: 'qemu', storagePool: t.pool } },
    logLevel: 'error',
    logDestination: { write: () => undefined },
    ...options,
  });
  const client = createProviderClient(server.address, { deadlineMs: 120_000 });
  try {
    return await work(client);
  } finally {
    client.close();
    await server.stop();
  }
}

/**
 * The target is judged on the median of the per-pair ratios: VM i of each path ran back to back
 * (alternating which first), so a pair shares the load of its moment and slow swings of other
 * work on the machine cancel out. Medians and means of each path are reported beside it.
 */
function summary(samples) {
  const steps = {
    createToRunning: (key) => samples[key].create,
    delete: (key) => samples[key].delete,
    cycle: (key) => samples[key].create.map((ms, i) => ms + samples[key].delete[i]),
  };
  const each = (measure) =>
    Object.fromEntries(Object.entries(steps).map(([step, of]) => [step, measure(of)]));
  const pairedRatio = (of) => middle(of('provider').map((ms, i) => ms / of('direct')[i]));
  const overheads = each(pairedRatio);
  const ratioOf = (statistic) => (of) =>
    percent(statistic(of('provider')) / statistic(of('direct')));
  const perVm = (key) => each((of) => Math.round(middle(of(key))));
  return {
    met: Object.values(overheads).every((ratio) => ratio - 1 < TARGET_OVERHEAD),
    report: {
      overhead: Object.fromEntries(Object.entries(overheads).map(([k, v]) => [k, percent(v)])),
      target: `< ${TARGET_OVERHEAD * 100}% (median of provider/direct per VM pair)`,
      medianMsPerVm: { direct: perVm('direct'), provider: perVm('provider') },
      overheadOfMedians: each(ratioOf(middle)),
      overheadOfMeans: each(ratioOf(mean)),
    },
  };
}

async function main() {
  execFileSync('bash', [path.join(scripts, 'ensure-libvirt.sh'), '--holder', String(process.pid)], {
    stdio: 'inherit',
  });
  const t = await startTestRun('bench');
  const scratch = fs.mkdtempSync(path.join(t.poolDir, '..', 'bench-'));
  const paths = (client) => ({ direct: directPath(t, scratch), provider: providerPath(t, client) });
  try {
    const samples = { direct: { create: [], delete: [] }, provider: { create: [], delete: [] } };
    // The provider as deployed: its health probe (Validate, then ListVMs over every domain) runs
    // every 10 s meanwhile.
    await withProvider(t, {}, async (client) => {
      for (let index = 0; index < ROUNDS; index++) await round(paths(client), index, samples);
    });
    const { met, report } = summary(samples);
    // Counted with a server whose health probe ran at its start and not again, so that only the
    // VM's own virsh runs are counted.
    const virshRunsPerVm = await withProvider(t, { healthProbeIntervalMs: 3_600_000 }, (client) =>
      countVirshRuns(paths(client), scratch),
    );
    const result = { vms: VMS, rounds: ROUNDS, ...report, virshRunsPerVm };
    result.virshStepsMedianMs = await singleSteps(t);
    console.log(JSON.stringify(result, null, 2));
    if (!met) process.exitCode = 1;
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
    await t.cleanup();
    execFileSync('bash', [path.join(scripts, 'stop-libvirt.sh'), '--holder', String(process.pid)], {
      stdio: 'inherit',
    });
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});

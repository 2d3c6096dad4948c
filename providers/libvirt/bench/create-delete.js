// Benchmark of the libvirt provider on the real libvirtd (npm run bench -w @virtrigaud/provider-libvirt):
//   create→running and delete of N VMs through the provider (gRPC: Create, TaskStatus while it
//   returns a task, Power on; Delete) vs. the same steps as direct `virsh` runs (overlay
//   vol-create, define, start; destroy, undefine, vol-delete) in the same run, same pool, same
//   domain XML, VM by VM alternating between the two. Target: provider overhead under 20%. Also the median of single virsh steps (define, start, snapshot,
//   destroy) on TCG domains.
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
/** The VM's disk as the direct path makes it: a qcow2 overlay on the base image. */
function createOverlay(t, volume) {
  return virsh(
    'vol-create-as',
    t.pool,
    volume,
    '0',
    '--format',
    'qcow2',
    '--backing-vol',
    t.baseImage,
    '--backing-vol-format',
    'qcow2',
  );
}

function directPath(t, xmlDir) {
  return {
    async create(round, i) {
      const name = `${t.prefix}-direct-${round}-${i}`;
      const volume = `${name}.qcow2`;
      await createOverlay(t, volume);
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
 * deleted the same way, so load from other users of the machine hits both paths alike.
 */
async function round(paths, index) {
  const totals = { direct: { createMs: 0, deleteMs: 0 }, provider: { createMs: 0, deleteMs: 0 } };
  const made = { direct: [], provider: [] };
  const order = (i) => (i % 2 === 0 ? ['direct', 'provider'] : ['provider', 'direct']);
  for (let i = 0; i < VMS; i++)
    for (const key of order(i)) {
      const { ms, result } = await timed(() => paths[key].create(index, i));
      totals[key].createMs += ms;
      made[key].push(result);
    }
  for (let i = 0; i < VMS; i++)
    for (const key of order(i))
      totals[key].deleteMs += (await timed(() => paths[key].remove(made[key][i]))).ms;
  return totals;
}

async function median(times, step) {
  const samples = [];
  for (let i = 0; i < times; i++) {
    const started = performance.now();
    await step(i);
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  return Math.round(samples[Math.floor(samples.length / 2)] * 10) / 10;
}

async function singleSteps(t) {
  const name = `${t.prefix}-steps`;
  const volume = `${name}.qcow2`;
  await createOverlay(t, volume);
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
  const middle = (samples) => samples.sort((a, b) => a - b)[Math.floor(samples.length / 2)];
  result.startMs = middle(started);
  result.destroyMs = middle(destroyed);
  await virsh('undefine', name, '--snapshots-metadata');
  await virsh('vol-delete', '--pool', t.pool, volume);
  return result;
}

async function main() {
  execFileSync('bash', [path.join(scripts, 'ensure-libvirt.sh'), '--holder', String(process.pid)], {
    stdio: 'inherit',
  });
  const t = await startTestRun('bench');
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
  });
  const client = createProviderClient(server.address, { deadlineMs: 120_000 });
  try {
    const xmlDir = fs.mkdtempSync(path.join(t.poolDir, '..', 'bench-xml-'));
    const paths = { direct: directPath(t, xmlDir), provider: providerPath(t, client) };
    const rounds = [];
    for (let index = 0; index < ROUNDS; index++) rounds.push(await round(paths, index));
    fs.rmSync(xmlDir, { recursive: true, force: true });
    const sum = (key, what) => rounds.reduce((total, r) => total + r[key][what], 0);
    const total = (key) => sum(key, 'createMs') + sum(key, 'deleteMs');
    const overhead = total('provider') / total('direct') - 1;
    const perVm = (key, what) => Math.round(sum(key, what) / (ROUNDS * VMS));
    const report = {
      vms: VMS,
      rounds: ROUNDS,
      perVmMs: {
        direct: {
          createToRunning: perVm('direct', 'createMs'),
          delete: perVm('direct', 'deleteMs'),
        },
        provider: {
          createToRunning: perVm('provider', 'createMs'),
          delete: perVm('provider', 'deleteMs'),
        },
      },
      createOverhead: `${Math.round((sum('provider', 'createMs') / sum('direct', 'createMs') - 1) * 100)}%`,
      deleteOverhead: `${Math.round((sum('provider', 'deleteMs') / sum('direct', 'deleteMs') - 1) * 100)}%`,
      overhead: `${Math.round(overhead * 100)}%`,
      target: `< ${TARGET_OVERHEAD * 100}%`,
      virshStepsMedianMs: await singleSteps(t),
    };
    console.log(JSON.stringify(report, null, 2));
    if (overhead > TARGET_OVERHEAD) process.exitCode = 1;
  } finally {
    client.close();
    await server.stop();
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

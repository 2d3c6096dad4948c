// Benchmark: N VM creates + power-ons through the vSphere backend vs. the minimal SOAP calls for
// the same work made directly (CreateVM_Task, PowerOnVM_Task, polling each task), in the same run
// against the same vcsim. Target: provider overhead under 25%.
//
//   npm run bench -w @virtrigaud/provider-vsphere            (builds vcsim if needed)
//   BENCH_VMS=50 BENCH_ROUNDS=3 node bench/create-power.js
const { randomUUID } = require('node:crypto');
const path = require('node:path');
const { performance } = require('node:perf_hooks');
const { setTimeout: delay } = require('node:timers/promises');
const pino = require('pino');
const { startVcsim } = require('../jest/vcsim');
const dist = path.join(__dirname, '..', 'dist');
const { VSphereBackend } = require(path.join(dist, 'backend/vsphere-backend'));
const { Vim25Client } = require(path.join(dist, 'vim25/client'));
const { findByInventoryPath } = require(path.join(dist, 'vim25/inventory'));
const { readTask } = require(path.join(dist, 'vim25/tasks'));
const { moref, typed } = require(path.join(dist, 'vim25/xml'));

const VMS = Number(process.env.BENCH_VMS ?? 50);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const TARGET_OVERHEAD = 0.25;
const POLL_MS = 5;
const log = pino({ level: 'silent' });

/** Polls a task until it is done, the way the operator polls TaskStatus. */
async function untilDone(isDone) {
  while (!(await isDone())) await delay(POLL_MS);
}

async function direct(sim, prefix) {
  const client = new Vim25Client({
    endpoint: sim.endpoint,
    username: sim.username,
    password: sim.password,
    tls: { mode: 'verify', ca: sim.certificatePem },
  });
  // Inventory is resolved once, outside the timing, as a hand-written client would hard-code it.
  const folder = await findByInventoryPath(client, 'DC0/vm');
  const pool = await findByInventoryPath(client, 'DC0/host/DC0_C0/Resources');
  /** Polls the task and returns its result (a VM moref for CreateVM_Task). */
  const wait = async (task) => {
    let result;
    await untilDone(async () => {
      const info = await readTask(client, task);
      if (info.state === 'error') throw new Error(info.error);
      result = info.result;
      return info.state === 'success';
    });
    return result;
  };
  const started = performance.now();
  for (let i = 0; i < VMS; i++) {
    const uid = randomUUID();
    // The same VM the provider builds: PVSCSI controller, 20 GiB thin boot disk, owner stamp.
    const config = {
      name: `${prefix}-${i}`,
      instanceUuid: uid,
      guestId: 'otherLinux64Guest',
      files: { vmPathName: '[LocalDS_0]' },
      numCPUs: 1,
      memoryMB: 512,
      memoryHotAddEnabled: false,
      cpuHotAddEnabled: false,
      deviceChange: [
        {
          operation: 'add',
          device: typed('ParaVirtualSCSIController', {
            key: -100,
            busNumber: 0,
            sharedBus: 'noSharing',
          }),
        },
        {
          operation: 'add',
          fileOperation: 'create',
          device: typed('VirtualDisk', {
            key: -199,
            backing: typed('VirtualDiskFlatVer2BackingInfo', {
              fileName: '',
              diskMode: 'persistent',
              thinProvisioned: true,
              eagerlyScrub: false,
            }),
            controllerKey: -100,
            unitNumber: 0,
            capacityInKB: 20 * 1024 * 1024,
          }),
        },
      ],
      extraConfig: [
        ['virtrigaud.owner.uid', uid],
        ['virtrigaud.owner.namespace', 'bench'],
        ['virtrigaud.owner.name', `vm-${i}`],
        ['virtrigaud.bootdisk', 'scsi0:0'],
      ].map(([key, value]) => ({ key, value: typed('xsd:string', value) })),
      firmware: 'bios',
    };
    const vm = moref(
      await wait(moref(await client.invoke('CreateVM_Task', folder, { config, pool }))),
    );
    await wait(moref(await client.invoke('PowerOnVM_Task', vm)));
  }
  const elapsed = performance.now() - started;
  await client.close();
  return elapsed;
}

async function throughProvider(sim, prefix) {
  const backend = new VSphereBackend({
    providerType: 'vsphere',
    endpoint: sim.endpoint,
    namespace: 'bench',
    name: 'bench',
    credentials: { username: sim.username, password: sim.password, ca: sim.certificatePem },
    options: {
      endpointTLS: { caSecretKey: 'ca' },
      defaults: { datacenter: 'DC0', cluster: 'DC0_C0', datastore: 'LocalDS_0' },
    },
    log,
  });
  const ctx = () => ({ correlationId: 'bench', signal: AbortSignal.timeout(60_000), log });
  const wait = (operation) =>
    operation.task
      ? untilDone(async () => {
          const state = await backend.taskStatus(ctx(), operation.task);
          if (state.error) throw new Error(state.error);
          return state.done;
        })
      : undefined;
  // One warm-up call so both sides start logged in (the direct client logs in before timing too).
  await backend.validate(ctx());
  const started = performance.now();
  for (let i = 0; i < VMS; i++) {
    const uid = randomUUID();
    const created = await backend.create(ctx(), {
      name: `${prefix}-${i}`,
      owner: { uid, namespace: 'bench', name: `vm-${i}` },
      class: { cpu: 1, memory: '512Mi' },
      image: { source: {} },
      networks: [],
      disks: [],
      placement: {},
      tags: [],
    });
    await wait(created);
    await wait(await backend.power(ctx(), created.id, 'on', 0));
  }
  const elapsed = performance.now() - started;
  await backend.close();
  return elapsed;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main() {
  const sim = await startVcsim();
  try {
    await direct(sim, 'warmup-direct');
    await throughProvider(sim, 'warmup-provider');
    const directMs = [];
    const providerMs = [];
    for (let round = 0; round < ROUNDS; round++) {
      directMs.push(await direct(sim, `direct-${round}`));
      providerMs.push(await throughProvider(sim, `provider-${round}`));
    }
    const d = median(directMs);
    const p = median(providerMs);
    const overhead = p / d - 1;
    const fmt = (ms) => `${ms.toFixed(0)} ms (${(ms / VMS).toFixed(1)} ms/VM)`;
    console.log(`vsphere create+power-on x${VMS}, median of ${ROUNDS} rounds against vcsim`);
    console.log(
      `  direct SOAP : ${fmt(d)}   rounds: ${directMs.map((v) => v.toFixed(0)).join(', ')}`,
    );
    console.log(
      `  provider    : ${fmt(p)}   rounds: ${providerMs.map((v) => v.toFixed(0)).join(', ')}`,
    );
    console.log(
      `  overhead    : ${(overhead * 100).toFixed(1)}% (target < ${TARGET_OVERHEAD * 100}%)`,
    );
    process.exitCode = overhead < TARGET_OVERHEAD ? 0 : 1;
  } finally {
    await sim.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});

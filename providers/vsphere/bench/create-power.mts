// Benchmark: N VM creates + power-ons through the vSphere backend vs. the minimal SOAP calls for
// the same VMs made directly (CreateVM_Task, PowerOnVM_Task, polling each task), in the same run
// against the same vcsim. Target: provider overhead under 25%.
//
// vcsim's CreateVM_Task writes files under /tmp, so its speed drifts during a run; the two paths
// are therefore interleaved VM by VM (alternating which goes first) and compared over the same
// time window, rather than run one after the other.
//
// Runs the compiled package (dist/) with Node's TypeScript type stripping:
//   npm run bench -w @virtrigaud/provider-vsphere            (builds vcsim if needed)
//   BENCH_VMS=50 BENCH_ROUNDS=3 node bench/create-power.mts
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import pino from 'pino';
import vcsim from '../jest/vcsim.js';
import { VSphereBackend } from '../dist/backend/vsphere-backend.js';
import { Vim25Client } from '../dist/vim25/client.js';
import { findByInventoryPath } from '../dist/vim25/inventory.js';
import { readTask } from '../dist/vim25/tasks.js';
import { moref, typed } from '../dist/vim25/xml.js';
import type { Operation } from '@virtrigaud/provider-sdk';
import type { MoRef } from '../dist/vim25/moref.js';

type Simulator = Awaited<ReturnType<typeof vcsim.startVcsim>>;
type CreateAndPowerOn = (name: string, uid: string) => Promise<void>;

const VMS = Number(process.env.BENCH_VMS ?? 50);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const TARGET_OVERHEAD = 0.25;
const POLL_MS = 5;
const log = pino({ level: 'silent' });

/** Polls until done, the way the operator polls TaskStatus. */
async function untilDone(isDone: () => Promise<boolean>): Promise<void> {
  while (!(await isDone())) await delay(POLL_MS);
}

/** The same VM the provider builds: PVSCSI controller, 20 GiB thin boot disk, owner stamp. */
function configSpec(name: string, uid: string) {
  return {
    name,
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
      ['virtrigaud.owner.name', name],
      ['virtrigaud.bootdisk', 'scsi0:0'],
    ].map(([key, value]) => ({ key, value: typed('xsd:string', value) })),
    firmware: 'bios',
  };
}

/** A hand-written client: inventory hard-coded up front, then exactly the task calls. */
async function directPath(sim: Simulator) {
  const client = new Vim25Client({
    endpoint: sim.endpoint,
    username: sim.username,
    password: sim.password,
    tls: { mode: 'verify', ca: sim.certificatePem },
  });
  const folder = await findByInventoryPath(client, 'DC0/vm');
  const pool = await findByInventoryPath(client, 'DC0/host/DC0_C0/Resources');
  /** Polls the task and returns its result (the VM moref for CreateVM_Task). */
  const wait = async (task: MoRef) => {
    let result: unknown;
    await untilDone(async () => {
      const info = await readTask(client, task);
      if (info.state === 'error') throw new Error(info.error);
      result = info.result;
      return info.state === 'success';
    });
    return result;
  };
  const run: CreateAndPowerOn = async (name, uid) => {
    const created = moref(
      await client.invoke('CreateVM_Task', folder, { config: configSpec(name, uid), pool }),
    );
    const vm = moref(await wait(created!));
    await wait(moref(await client.invoke('PowerOnVM_Task', vm!))!);
  };
  return { run, close: () => client.close() };
}

/** The provider's backend, as the runtime calls it for Create, Power and TaskStatus. */
async function providerPath(sim: Simulator) {
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
  const wait = async (operation: Operation) => {
    if (!operation.task) return;
    await untilDone(async () => {
      const state = await backend.taskStatus(ctx(), operation.task!);
      if (state.error) throw new Error(state.error);
      return state.done;
    });
  };
  await backend.validate(ctx());
  const run: CreateAndPowerOn = async (name, uid) => {
    const created = await backend.create(ctx(), {
      name,
      owner: { uid, namespace: 'bench', name },
      class: { cpu: 1, memory: '512Mi' },
      image: { source: {} },
      networks: [],
      disks: [],
      placement: {},
      tags: [],
    });
    await wait(created);
    await wait(await backend.power(ctx(), created.id, 'on', 0));
  };
  return { run, close: () => backend.close() };
}

async function timed(run: CreateAndPowerOn, name: string): Promise<number> {
  const started = performance.now();
  await run(name, randomUUID());
  return performance.now() - started;
}

/** Per-VM times of both paths, interleaved VM by VM. */
async function round(sim: Simulator, label: string, vms: number) {
  const direct = await directPath(sim);
  const provider = await providerPath(sim);
  const directMs: number[] = [];
  const providerMs: number[] = [];
  const runDirect = async (i: number) => directMs.push(await timed(direct.run, `${label}-d${i}`));
  const runProvider = async (i: number) =>
    providerMs.push(await timed(provider.run, `${label}-p${i}`));
  try {
    for (let i = 0; i < vms; i++) {
      if (i % 2 === 0) await runDirect(i).then(() => runProvider(i));
      else await runProvider(i).then(() => runDirect(i));
    }
  } finally {
    await Promise.all([direct.close(), provider.close()]);
  }
  return { directMs, providerMs };
}

const sum = (values: number[]) => values.reduce((total, v) => total + v, 0);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;

async function main() {
  const sim = await vcsim.startVcsim();
  try {
    await round(sim, 'warmup', 5);
    const directMs: number[] = [];
    const providerMs: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const times = await round(sim, `round${r}`, VMS);
      directMs.push(...times.directMs);
      providerMs.push(...times.providerMs);
    }
    // vcsim's file I/O gives single creates outliers of tens of ms: the median per VM is the
    // stable comparison, the totals are shown too.
    const overhead = median(providerMs) / median(directMs) - 1;
    const pct = (ratio: number) => `${(ratio * 100).toFixed(1)}%`;
    const line = (values: number[]) =>
      `median ${median(values).toFixed(2)} ms/VM, total ${sum(values).toFixed(0)} ms`;
    console.log(`vsphere: ${VMS} creates + power-ons x ${ROUNDS} rounds, interleaved, on vcsim`);
    console.log(`  direct SOAP : ${line(directMs)}`);
    console.log(`  provider    : ${line(providerMs)}`);
    console.log(
      `  overhead    : ${pct(overhead)} on the median (${pct(sum(providerMs) / sum(directMs) - 1)} on totals); target < ${pct(TARGET_OVERHEAD)}`,
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

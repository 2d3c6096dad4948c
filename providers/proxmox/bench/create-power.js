// Benchmark of the Proxmox provider on the simulator (npm run bench -w @virtrigaud/provider-proxmox):
//   1. N creates + power-ons through the backend vs. the minimal API calls for the same work made
//      directly (nextid, clone, wait, PUT config, start, wait) in the same run on the same
//      simulator (inventory reset between rounds). The provider makes 10 API requests per VM
//      where the direct path makes 6 (owner lookup for idempotent Create, config read, state read
//      before power-on), so the target is an overhead below 150% of the direct time.
//   2. The simulator's schema verification: requests/s for a typical config update.
//
//   BENCH_VMS=50 BENCH_ROUNDS=5 node bench/create-power.js
/* global AbortSignal */
const { randomUUID } = require('node:crypto');
const path = require('node:path');
const { performance } = require('node:perf_hooks');
const pino = require('pino');
const dist = path.join(__dirname, '..', 'dist');
const { ProxmoxBackend } = require(path.join(dist, 'backend/proxmox-backend'));
const { PveClient } = require(path.join(dist, 'client/pve-client'));
const { waitForTask } = require(path.join(dist, 'client/tasks'));
const { startSimulatedCluster, TEMPLATE_VMID, TOKEN_ID } = require(
  path.join(dist, 'testing/fixture'),
);
const { ApiSchema } = require(path.join(dist, 'simulator/api-schema'));
const { verifyParameters } = require(path.join(dist, 'simulator/parameters'));

const VMS = Number(process.env.BENCH_VMS ?? 50);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const TARGET_OVERHEAD = 1.5;
const VERIFY_ITERATIONS = 20_000;
const log = pino({ level: 'silent' });
const signal = () => AbortSignal.timeout(60_000);

async function direct(cluster, prefix) {
  const client = new PveClient({
    endpoint: cluster.sim.url,
    auth: { tokenId: TOKEN_ID, tokenSecret: cluster.tokenSecret },
    tls: { mode: 'verify', ca: cluster.certificate.cert },
  });
  const started = performance.now();
  for (let i = 0; i < VMS; i++) {
    const newid = Number(await client.get('/cluster/nextid'));
    const clone = await client.post(`/nodes/pve1/qemu/${TEMPLATE_VMID}/clone`, {
      newid,
      name: `${prefix}-${i}`,
      description: `owner ${randomUUID()}`,
      full: true,
    });
    await waitForTask(client, clone, { signal: signal() });
    await client.put(`/nodes/pve1/qemu/${newid}/config`, { cores: 1, memory: '512' });
    await waitForTask(
      client,
      await client.post(`/nodes/pve1/qemu/${newid}/status/start`),
      signal(),
    );
  }
  const elapsed = performance.now() - started;
  client.close();
  return elapsed;
}

async function throughProvider(cluster, prefix) {
  const backend = new ProxmoxBackend(cluster.backendConfig({ log }));
  const ctx = () => ({ correlationId: 'bench', signal: signal(), log });
  await backend.validate(ctx());
  const started = performance.now();
  for (let i = 0; i < VMS; i++) {
    const uid = randomUUID();
    const created = await backend.create(ctx(), {
      name: `${prefix}-${i}`,
      owner: { uid, namespace: 'bench', name: `vm-${i}` },
      class: { cpu: 1, memory: '512Mi' },
      image: { source: { proxmox: { templateID: TEMPLATE_VMID } } },
      networks: [],
      disks: [],
      placement: {},
      tags: [],
    });
    const power = await backend.power(ctx(), created.id, 'on', 0);
    if (power.task) await waitForTask(backend.client, power.task, { signal: signal() });
  }
  const elapsed = performance.now() - started;
  await backend.close();
  return elapsed;
}

function verificationRate() {
  const schema = ApiSchema.load();
  const match = schema.match('PUT', '/nodes/pve1/qemu/101/config');
  const params = {
    node: 'pve1',
    vmid: '101',
    cores: '2',
    memory: '2048',
    net0: 'virtio,bridge=vmbr0,tag=42,firewall=1',
    ipconfig0: 'ip=10.0.0.5/24,gw=10.0.0.1',
    scsi1: 'local-lvm:20',
    description: 'virtrigaud.owner.uid: 0f5c',
    tags: 'virtrigaud;team-a',
  };
  const started = performance.now();
  for (let i = 0; i < VERIFY_ITERATIONS; i++)
    verifyParameters(match.endpoint.info.parameters, params);
  return VERIFY_ITERATIONS / ((performance.now() - started) / 1000);
}

/** Removes every VM but the template, so each round starts from the same inventory. */
function resetInventory(cluster) {
  for (const vmid of cluster.sim.cluster.vms.keys()) {
    if (vmid !== TEMPLATE_VMID) cluster.sim.cluster.vms.delete(vmid);
  }
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main() {
  const cluster = await startSimulatedCluster({ taskDelayMs: 0 });
  try {
    await direct(cluster, 'warmup-direct');
    await throughProvider(cluster, 'warmup-provider');
    resetInventory(cluster);
    const directMs = [];
    const providerMs = [];
    for (let round = 0; round < ROUNDS; round++) {
      const before = cluster.sim.requests.length;
      directMs.push(await direct(cluster, `direct-${round}`));
      resetInventory(cluster);
      const between = cluster.sim.requests.length;
      providerMs.push(await throughProvider(cluster, `provider-${round}`));
      resetInventory(cluster);
      if (round === 0) {
        const perVm = (n) => (n / VMS).toFixed(1);
        console.log(
          `API requests per VM: direct ${perVm(between - before)}, provider ${perVm(cluster.sim.requests.length - between)}`,
        );
      }
    }
    const d = median(directMs);
    const p = median(providerMs);
    const overhead = p / d - 1;
    const fmt = (ms) => `${ms.toFixed(0)} ms (${(ms / VMS).toFixed(2)} ms/VM)`;
    console.log(
      `proxmox create+power-on x${VMS}, median of ${ROUNDS} rounds against the simulator`,
    );
    console.log(
      `  direct API : ${fmt(d)}   rounds: ${directMs.map((v) => v.toFixed(0)).join(', ')}`,
    );
    console.log(
      `  provider   : ${fmt(p)}   rounds: ${providerMs.map((v) => v.toFixed(0)).join(', ')}`,
    );
    console.log(
      `  overhead   : ${(overhead * 100).toFixed(1)}% (target < ${TARGET_OVERHEAD * 100}%)`,
    );
    const rate = verificationRate();
    console.log(
      `simulator schema verification: ${Math.round(rate)} config updates/s (target > 20000/s)`,
    );
    process.exitCode = overhead < TARGET_OVERHEAD && rate > 20_000 ? 0 : 1;
  } finally {
    await cluster.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});

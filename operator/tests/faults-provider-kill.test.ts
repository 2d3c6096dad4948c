// Fault: the provider process is SIGKILLed while VMs are being created — some Create calls still
// in flight (MOCK_CALL_LATENCY), some creates answered with their task still running
// (MOCK_TASK_LATENCY). The dev kubelet restarts it; the mock keeps its VMs in MOCK_STATE_DIR, as a
// real hypervisor would keep them. Afterwards every VM runs, and none exists twice.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eventually } from '@virtrigaud/testing';
import type { Manager } from '../src/manager';
import { startTestCluster, type TestCluster } from './support/cluster';
import { startManager } from './support/manager';
import { ProviderProbe, duplicates, providerAddress, providerPid } from './support/provider-probe';
import { NAMESPACE, applyCompleteExample, providerReady } from './support/seed-example';
import { createsAnswered, createVMs, listVMs } from './support/vm-batch';

jest.setTimeout(90_000);

const PROVIDER = 'vsphere-datacenter';
const VM_COUNT = 10;

let workDir: string;
let cluster: TestCluster;
let manager: Manager;
let probe: ProviderProbe | undefined;

beforeAll(async () => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'provider-kill-'));
  const podsDir = path.join(workDir, 'pods');
  cluster = await startTestCluster({
    kubelet: { rootDir: podsDir, maxProbePeriodMs: 200, restartBackoffMs: 100 },
  });
  // Three creates at a time, each 200 ms in the call: when the kill lands, some are mid-call.
  manager = await startManager(cluster, {
    concurrency: { provider: 2, vm: 3, snapshot: 1, clone: 1, vmset: 1 },
  });
  await applyCompleteExample(cluster.client, {
    env: [
      { name: 'MOCK_STATE_DIR', value: path.join(workDir, 'hypervisor') },
      { name: 'MOCK_CALL_LATENCY', value: '200ms' },
      { name: 'MOCK_TASK_LATENCY', value: '1s' },
    ],
    rateLimit: { qps: 1000, burst: 1000 },
  });
  await providerReady(cluster.client, PROVIDER);
});

afterAll(async () => {
  probe?.close();
  await manager?.stop();
  await cluster?.stop();
  fs.rmSync(workDir, { recursive: true, force: true });
});

it('a provider killed mid-create comes back with no duplicate VM', async () => {
  const podsDir = path.join(workDir, 'pods');
  const killed = await providerPid(cluster, podsDir, PROVIDER);
  const names = Array.from({ length: VM_COUNT }, (_, i) => `vm-${i}`);
  await createVMs(cluster.client, names);

  const atKill = await createsAnswered(cluster.client, 3);
  process.kill(killed, 'SIGKILL');
  // The kill really landed mid-create: creates still to be made and tasks still running.
  expect(atKill.filter((vm) => !vm.status?.id).length).toBeGreaterThan(0);
  expect(atKill.filter((vm) => vm.status?.lastTaskRef).length).toBeGreaterThan(0);

  // The dev kubelet restarts the container: a new process serves the same pod.
  await eventually(
    'a new provider process',
    async () => (await providerPid(cluster, podsDir, PROVIDER)) !== killed,
  );

  await eventually(
    'every VM Running',
    async () =>
      (await listVMs(cluster.client)).filter(
        (vm) => vm.status?.phase === 'Running' && vm.status.ips?.length,
      ).length === VM_COUNT,
    { timeoutMs: 60_000 },
  );
  // Create calls were cut by the kill (their answers lost) and made again.
  const cutCreates = (await manager.metrics.providerCalls.get()).values.filter(
    (v) => v.labels.method === 'create' && v.labels.code === 'UNAVAILABLE',
  );
  expect(cutCreates[0]?.value).toBeGreaterThan(0);
  probe = new ProviderProbe(await providerAddress(cluster.client, PROVIDER));
  const atProvider = await probe.listVMs();
  expect(duplicates(atProvider)).toEqual([]);
  expect(atProvider.map((vm) => vm.name).sort()).toEqual(
    names.map((name) => `${NAMESPACE}.${name}`).sort(),
  );
  const idByName = new Map(atProvider.map((vm) => [vm.name, vm.id]));
  for (const vm of await listVMs(cluster.client))
    expect(vm.status?.id).toBe(idByName.get(`${NAMESPACE}.${vm.metadata.name}`));
});

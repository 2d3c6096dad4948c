// Fault: the manager process (the real virtrigaud-manager command) is SIGKILLed at random points
// while 50 VMs are being created, and restarted — five times. Afterwards the provider has exactly
// 50 VMs, none twice, all running, each the one its VirtualMachine's status names.
// Kill points come from a seeded PRNG (the seed is printed; FAULT_SEED=<seed> replays it) and are
// counted in VirtualMachine writes seen on a watch, not in wall-clock time.
import { Informer, type KubeObject } from '@virtrigaud/kube';
import { Resources } from '@virtrigaud/api';
import type { VirtualMachineStatus } from '@virtrigaud/api';
import { eventually } from '@virtrigaud/testing';
import pino from 'pino';
import { startTestCluster, type TestCluster } from './support/cluster';
import { ManagerProcess } from './support/manager-process';
import { between, faultSeed, mulberry32 } from './support/prng';
import { ProviderProbe, duplicates, providerAddress } from './support/provider-probe';
import {
  NAMESPACE,
  applyCompleteExample,
  providerReady,
  virtualMachine,
} from './support/seed-example';

jest.setTimeout(120_000);

const VM_COUNT = 50;
const KILLS = 5;
/** A kill comes after 1..MAX_WRITES_BETWEEN_KILLS more VM writes (≈4 writes make one VM Running). */
const MAX_WRITES_BETWEEN_KILLS = 40;
const PROVIDER = 'vsphere-datacenter';

type VMObject = KubeObject & { status?: VirtualMachineStatus };

let cluster: TestCluster;
let manager: ManagerProcess | undefined;
let watch: Informer<VMObject>;
let probe: ProviderProbe | undefined;
let writes = 0;

beforeAll(async () => {
  cluster = await startTestCluster({ kubelet: { maxProbePeriodMs: 200 } });
  // Tasks long enough that creates are still in flight when the kills land.
  await applyCompleteExample(cluster.client, {
    env: [{ name: 'MOCK_TASK_LATENCY', value: '300ms' }],
    rateLimit: { qps: 1000, burst: 1000 },
  });
  watch = new Informer<VMObject>(cluster.client, Resources.VirtualMachine, {
    namespace: NAMESPACE,
    log: pino({ level: 'silent' }),
  });
  watch.on((type) => {
    if (type === 'update') writes++;
  });
  await watch.start();
});

afterAll(async () => {
  probe?.close();
  await manager?.kill();
  watch?.stop();
  await cluster?.stop();
});

const names = Array.from({ length: VM_COUNT }, (_, i) => `vm-${String(i).padStart(2, '0')}`);
const running = () =>
  watch.list(NAMESPACE).filter((vm) => vm.status?.phase === 'Running' && vm.status.ips?.length);
const progress = () => {
  const vms = watch.list(NAMESPACE);
  return `${vms.filter((vm) => vm.status?.id).length} with an id, ${running().length} Running`;
};

it('ends with exactly 50 running VMs at the provider after 5 manager kills', async () => {
  const seed = faultSeed();
  const random = mulberry32(seed);
  console.log(`manager-kill fault points from FAULT_SEED=${seed}`);

  manager = ManagerProcess.start(cluster.kubeconfigPath);
  await providerReady(cluster.client, PROVIDER);
  await Promise.all(
    names.map((name) => cluster.client.create(Resources.VirtualMachine, virtualMachine(name))),
  );
  const t0 = Date.now();
  const kills: string[] = [];
  for (let kill = 1; kill <= KILLS; kill++) {
    const target = writes + between(random, 1, MAX_WRITES_BETWEEN_KILLS);
    await eventually(
      `${target} VM writes before kill ${kill}`,
      () => writes >= target || running().length === VM_COUNT,
      { timeoutMs: 30_000 },
    );
    await manager.kill();
    kills.push(
      `kill ${kill} at ${writes} VM writes: ${progress()}, ${Date.now() - t0} ms after the VMs were created`,
    );
    manager = ManagerProcess.start(cluster.kubeconfigPath);
  }
  console.log(kills.join('\n'));

  const current = manager;
  await eventually('all VMs Running after the last restart', () => running().length === VM_COUNT, {
    timeoutMs: 60_000,
  }).catch((err: Error) => {
    throw new Error(`${err.message} (${progress()}); manager output:\n${current.log()}`);
  });

  probe = new ProviderProbe(await providerAddress(cluster.client, PROVIDER));
  const atProvider = await probe.listVMs();
  expect(duplicates(atProvider)).toEqual([]);
  expect(atProvider.map((vm) => vm.name).sort()).toEqual(names.map((n) => `${NAMESPACE}.${n}`));
  expect(atProvider.filter((vm) => vm.powerState !== 'On')).toEqual([]);
  const idByName = new Map(atProvider.map((vm) => [vm.name, vm.id]));
  for (const vm of watch.list(NAMESPACE))
    expect(vm.status?.id).toBe(idByName.get(`${NAMESPACE}.${vm.metadata.name}`));
});

// Manager high availability: two virtrigaud-manager processes with --leader-elect (the shipped
// Lease timings: 15 s duration, 2 s retry). Only the leader reconciles; the leader is SIGKILLed
// (no lease release, like a crashed pod) in the middle of 50 VM creates; the standby takes over
// once the Lease expires (the handover time is printed) and finishes: exactly 50 VMs on the
// hypervisor, all Running.
import { type KubeObject, KubeResources } from '@virtrigaud/kube';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eventually } from '@virtrigaud/testing';
import { DEFAULT_MANAGER_OPTIONS } from '../src/manager';
import { startTestCluster, type TestCluster } from './support/cluster';
import { ManagerProcess } from './support/manager-process';
import { NAMESPACE, applyReplicatedMock } from './support/provider-replicas';
import {
  allRunning,
  createsAnswered,
  createVMs,
  expectOneHypervisorVMEach,
} from './support/vm-batch';

jest.setTimeout(120_000);

const PROVIDER = 'ha';
const VMS = 50;

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ha-leader-election-'));
const stateDir = path.join(tmp, 'hypervisor');
let cluster: TestCluster;
let managers: ManagerProcess[] = [];

/** Where a manager process serves /metrics (it logs the bound address at start). */
function metricsAddress(manager: ManagerProcess): Promise<string> {
  return eventually('the manager metrics address', () => {
    const line = manager
      .log()
      .split('\n')
      .find((l) => l.includes('"servers listening"'));
    return line && (JSON.parse(line) as { metrics: string }).metrics;
  });
}

/** Sum of a metric's samples on a manager's /metrics (0 when absent). */
async function metric(manager: ManagerProcess, name: string): Promise<number> {
  const text = await (await fetch(`http://${await metricsAddress(manager)}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name} `) || line.startsWith(`${name}{`))
    .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
}

type Lease = KubeObject & {
  spec: { renewTime: string; acquireTime: string; leaseTransitions: number };
};

async function lease(): Promise<Lease> {
  return (await cluster.client.get<Lease>(KubeResources.Lease, NAMESPACE, 'virtrigaud-manager'))!;
}

const isLeader = async (manager: ManagerProcess) =>
  (await metric(manager, 'virtrigaud_leader')) === 1;

beforeAll(async () => {
  cluster = await startTestCluster({
    kubelet: { rootDir: path.join(tmp, 'pods'), maxProbePeriodMs: 200 },
  });
  const flags = [
    '--leader-elect',
    `--leader-election-namespace=${NAMESPACE}`,
    '--service-address-source=endpoint-slices',
    '--metrics-addr=127.0.0.1:0',
    '--log-level=info',
  ];
  managers = [0, 1].map(() => ManagerProcess.start(cluster.kubeconfigPath, flags));
  await Promise.all(managers.map(metricsAddress));
  await applyReplicatedMock(cluster.client, {
    name: PROVIDER,
    replicas: 2,
    stateDir,
    taskLatency: '300ms',
  });
});

afterAll(async () => {
  // SIGKILL: a standby left running is as good as stopped for the test; the lease dies with it.
  await Promise.all(managers.map((m) => m.kill()));
  await cluster?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

it('hands over after the Lease expires when the leader dies mid-way: exactly 50 VMs', async () => {
  const leader = await eventually('a leader', async () => {
    const leading = await Promise.all(managers.map(isLeader));
    return leading.filter(Boolean).length === 1 ? managers[leading.indexOf(true)] : undefined;
  });
  const standby = managers.find((m) => m !== leader)!;

  await createVMs(
    cluster.client,
    Array.from({ length: VMS }, (_, i) => `ha-${i}`),
    PROVIDER,
  );
  // The leader in the middle of the creates.
  const atKill = await createsAnswered(cluster.client, 10, 60_000);
  // Only the leader reconciles; the standby's caches are warm but its controllers never ran.
  expect(await metric(leader, 'virtrigaud_reconcile_total')).toBeGreaterThan(0);
  expect(await metric(standby, 'virtrigaud_reconcile_total')).toBe(0);

  const killedAt = Date.now();
  await leader.kill();
  const lastRenew = Date.parse((await lease()).spec.renewTime);
  await eventually('the standby leading', () => isLeader(standby), {
    timeoutMs: 30_000,
    intervalMs: 10,
  });
  const handoverMs = Date.now() - killedAt;
  const taken = await lease();
  expect(taken.spec.leaseTransitions).toBe(1);
  console.log(
    `lease taken over ${Date.parse(taken.spec.acquireTime) - lastRenew} ms after the dead leader's last renewal`,
  );
  console.log(
    `leader handover after SIGKILL: ${handoverMs} ms (lease ${DEFAULT_MANAGER_OPTIONS.leaseDurationMs} ms, ` +
      `retry ${DEFAULT_MANAGER_OPTIONS.retryPeriodMs} ms); ${atKill.filter((vm) => vm.status?.phase === 'Running').length}/${VMS} VMs Running at the kill`,
  );
  // client-go's rule: a standby takes a lease whose record it has not seen change for
  // leaseDuration on its own clock, looking every retryPeriod. The dead leader renewed at most one
  // retryPeriod before the kill and the standby saw that renewal at most one retryPeriod later, so
  // the handover takes at most leaseDuration + 2 retryPeriods (+ 1 s for timers and API calls).
  const { leaseDurationMs, retryPeriodMs } = DEFAULT_MANAGER_OPTIONS;
  expect(handoverMs).toBeLessThan(leaseDurationMs + 2 * retryPeriodMs + 1_000);
  expect(atKill.filter((vm) => vm.status?.phase === 'Running').length).toBeLessThan(VMS);

  const settled = await allRunning(cluster.client, VMS, 60_000);
  await expectOneHypervisorVMEach(stateDir, settled, VMS);
});

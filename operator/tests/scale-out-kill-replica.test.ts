// One of three provider replicas is SIGKILLed in the middle of 30 VM creates. The manager
// balances over the replicas (EndpointSlices), repeats the calls the dead replica dropped on the
// others, and every VM ends Running — with exactly one VM per VirtualMachine on the hypervisor.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Manager } from '../src/manager';
import { startTestCluster, type TestCluster } from './support/cluster';
import { startManager } from './support/manager';
import { applyReplicatedMock, readyReplicas, replicaPids } from './support/provider-replicas';
import {
  allRunning,
  createsAnswered,
  createVMs,
  expectOneHypervisorVMEach,
} from './support/vm-batch';

jest.setTimeout(120_000);

const PROVIDER = 'kill-one';
const VMS = 30;

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'scale-out-kill-'));
const podsDir = path.join(tmp, 'pods');
const stateDir = path.join(tmp, 'hypervisor');
let cluster: TestCluster;
let manager: Manager;

beforeAll(async () => {
  cluster = await startTestCluster({ kubelet: { rootDir: podsDir, maxProbePeriodMs: 200 } });
  manager = await startManager(cluster, { serviceAddressSource: 'endpoint-slices' });
  // Tasks take long enough that creates are still in flight when the replica dies.
  await applyReplicatedMock(cluster.client, {
    name: PROVIDER,
    replicas: 3,
    stateDir,
    taskLatency: '300ms',
  });
  await readyReplicas(cluster.client, PROVIDER, 3);
});

afterAll(async () => {
  await manager?.stop();
  await cluster?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

it('ends with all 30 VMs Running and none created twice when a replica is killed midway', async () => {
  await createVMs(
    cluster.client,
    Array.from({ length: VMS }, (_, i) => `vm-${i}`),
    PROVIDER,
  );
  // Midway: some creates answered, not all VMs Running yet.
  const atKill = await createsAnswered(cluster.client, 5);
  const [victim] = replicaPids(podsDir, PROVIDER);
  expect(victim).toBeDefined();
  process.kill(victim, 'SIGKILL');
  expect(atKill.filter((vm) => vm.status?.phase === 'Running').length).toBeLessThan(VMS);

  const settled = await allRunning(cluster.client, VMS, 90_000);
  const onHypervisor = await expectOneHypervisorVMEach(stateDir, settled, VMS);
  expect(new Set(onHypervisor.map((vm) => vm.name)).size).toBe(VMS);
  // The dead replica was really gone (the kubelet runs a new process in its pod).
  expect(replicaPids(podsDir, PROVIDER)).not.toContain(victim);
});

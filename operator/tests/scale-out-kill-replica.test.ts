// One of three provider replicas is SIGKILLed in the middle of 30 VM creates. The manager
// balances over the replicas (EndpointSlices), repeats the calls the dead replica dropped on the
// others, and every VM ends Running — with exactly one VM per VirtualMachine on the hypervisor.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { VirtualMachineStatus } from '@virtrigaud/api';
import { Resources } from '../src/kube/resources';
import type { KubeObject } from '../src/kube/types';
import type { Manager } from '../src/manager';
import { eventually, startTestCluster, type TestCluster } from './support/cluster';
import { startManager } from './support/manager';
import {
  NAMESPACE,
  applyReplicatedMock,
  hypervisorVMs,
  readyReplicas,
  replicaPids,
} from './support/provider-replicas';
import { virtualMachine } from './support/seed-example';

jest.setTimeout(120_000);

const PROVIDER = 'kill-one';
const VMS = 30;
type VM = KubeObject & { status?: VirtualMachineStatus };

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

async function vms(): Promise<VM[]> {
  return (await cluster.client.list<VM>(Resources.VirtualMachine, NAMESPACE)).items;
}

it('ends with all 30 VMs Running and none created twice when a replica is killed midway', async () => {
  await Promise.all(
    Array.from({ length: VMS }, (_, i) =>
      cluster.client.create(Resources.VirtualMachine, virtualMachine(`vm-${i}`, PROVIDER)),
    ),
  );
  // Midway: some creates answered, not all VMs Running yet.
  const atKill = await eventually('the first creates answered', async () => {
    const current = await vms();
    return current.filter((vm) => vm.status?.id).length >= 5 ? current : undefined;
  });
  const [victim] = replicaPids(podsDir, PROVIDER);
  expect(victim).toBeDefined();
  process.kill(victim, 'SIGKILL');
  expect(atKill.filter((vm) => vm.status?.phase === 'Running').length).toBeLessThan(VMS);

  const settled = await eventually(
    'all 30 VMs Running',
    async () => {
      const current = await vms();
      return current.filter((vm) => vm.status?.phase === 'Running').length === VMS
        ? current
        : undefined;
    },
    90_000,
  );
  const onHypervisor = await hypervisorVMs(stateDir);
  expect(onHypervisor).toHaveLength(VMS);
  expect(onHypervisor.map((vm) => vm.owner.uid).sort()).toEqual(
    settled.map((vm) => vm.metadata.uid).sort(),
  );
  expect(new Set(onHypervisor.map((vm) => vm.name)).size).toBe(VMS);
  expect(new Set(settled.map((vm) => vm.status?.id)).size).toBe(VMS);
  // The dead replica was really gone (the kubelet runs a new process in its pod).
  expect(replicaPids(podsDir, PROVIDER)).not.toContain(victim);
});

// Replicas of one Provider share the mock hypervisor through MOCK_STATE_DIR: any replica answers
// for VMs and tasks another started, and concurrent creates for one owner make one VM.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { status } from '@grpc/grpc-js';
import {
  createProviderClient,
  startProviderServer,
  type RunningProvider,
} from '@virtrigaud/provider-sdk';
import { eventually } from '@virtrigaud/testing';
import { mockBackendFactory, type MockBackend } from '../index';
import { collectLogs } from '../testing/fixtures';

describe('two mock replicas sharing a state directory', () => {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mock-state-'));
  const replicas: RunningProvider[] = [];
  let a: ReturnType<typeof createProviderClient>;
  let b: ReturnType<typeof createProviderClient>;

  beforeAll(async () => {
    for (let i = 0; i < 2; i += 1) {
      replicas.push(
        await startProviderServer({
          type: 'mock',
          createBackend: mockBackendFactory({ stateDir, taskLatencyMs: 30 }),
          logDestination: collectLogs(),
        }),
      );
    }
    [a, b] = replicas.map((r) => createProviderClient(r.address));
  });
  afterAll(async () => {
    a.close();
    b.close();
    await Promise.all(replicas.map((r) => r.stop()));
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  const request = (name: string, uid: string) => ({
    name,
    owner: { uid, namespace: 'default', name },
    classJson: '{"cpu":2,"memory":"2Gi"}',
    imageJson: '{"source":{"mock":{"name":"img"}}}',
  });

  /** Waits, asking replica B, until a task (started on either replica) is done. */
  const taskDone = (task: { id: string } | undefined) =>
    eventually(`task ${task?.id} done on replica B`, async () =>
      task?.id ? (await b.taskStatus({ task })).done : true,
    );

  it('answers on replica B for a VM and task created on replica A', async () => {
    const created = await a.create(request('shared-1', 'uid-shared-1'));
    const described = await b.describe({ id: created.id });
    expect(described.exists).toBe(true);
    await taskDone(created.task);
    expect((await b.listVMs()).vms.map((vm) => vm.name)).toContain('shared-1');
  });

  it('makes one VM when both replicas get the same Create at once', async () => {
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        (i % 2 ? a : b).create(request('shared-2', 'uid-shared-2')),
      ),
    );
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    expect((await a.listVMs()).vms.filter((vm) => vm.name === 'shared-2')).toHaveLength(1);
  });

  it('gives a retried SnapshotCreate (same name, any replica) the first snapshot, not a second', async () => {
    const created = await a.create(request('shared-3', 'uid-shared-3'));
    await taskDone(created.task);
    const snapshot = { vmId: created.id, nameHint: 'before-upgrade' };
    const first = await a.snapshotCreate(snapshot);
    const whilePending = await b.snapshotCreate(snapshot);
    expect(whilePending.snapshotId).toBe(first.snapshotId);
    await taskDone(first.task);
    expect((await b.snapshotCreate(snapshot)).snapshotId).toBe(first.snapshotId);
    const raw = JSON.parse((await a.describe({ id: created.id })).providerRawJson) as {
      snapshots: { name: string }[];
    };
    expect(raw.snapshots.map((s) => s.name)).toEqual(['before-upgrade']);
  });

  it('shares the hypervisor faults: down on one replica is down on both', async () => {
    await (replicas[0].backend as MockBackend).setFaults({ down: true });
    await expect(b.listVMs()).rejects.toMatchObject({ code: status.UNAVAILABLE });
    await (replicas[1].backend as MockBackend).setFaults({});
    expect((await a.validate()).ok).toBe(true);
  });
});

// The manager's gateway in front of three provider-mock replicas that share one mock hypervisor
// (MOCK_STATE_DIR): calls rotate over the replicas, any replica answers for tasks another started,
// a replica that vanishes in the middle of an idempotent call (Create) is replaced by another one
// without a second VM, and a non-idempotent call (SnapshotCreate) is not repeated.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { status } from '@grpc/grpc-js';
import type { HypervisorBackend } from '@virtrigaud/provider-sdk';
import { startProviderServer, type RunningProvider } from '@virtrigaud/provider-sdk';
import { DescribeRequest } from '@virtrigaud/proto';
import { mockBackendFactory } from '@virtrigaud/provider-mock';
import { eventually } from '@virtrigaud/testing';
import pino from 'pino';
import { ProviderCallError } from '../src/grpc/errors';
import { ProviderGateway, type ProviderEndpoint } from '../src/grpc/provider-gateway';
import { ManagerMetrics } from '../src/observability/metrics';

const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'scale-out-balancing-'));
/** By the index each replica was started with; `live` are those still running. */
const replicas: RunningProvider[] = [];
const live = new Set<number>();
/** Calls that must hang on the first replica that receives them, until that replica stops. */
const hangOnce = new Map<string, (replica: number) => void>();
const invocations: Record<string, number> = {};
let gateway: ProviderGateway;
let endpoint: ProviderEndpoint;
const options = { correlationId: 'scale-out-balancing' };

/** The mock backend, with a hook that can keep one chosen call in flight. */
function hookedBackend(replica: number) {
  return async (config: Parameters<ReturnType<typeof mockBackendFactory>>[0]) => {
    const backend = (await mockBackendFactory({ stateDir, taskLatencyMs: 20 })(
      config,
    )) as HypervisorBackend;
    for (const method of ['create', 'snapshotCreate'] as const) {
      const original = backend[method]!.bind(backend) as (...args: unknown[]) => Promise<never>;
      (backend as unknown as Record<string, unknown>)[method] = (
        ctx: { signal: AbortSignal },
        input: { name?: string; vmId?: string },
      ) => {
        const key = `${method}:${input.name ?? input.vmId}`;
        invocations[key] = (invocations[key] ?? 0) + 1;
        const entered = hangOnce.get(key);
        if (!entered) return original(ctx, input);
        hangOnce.delete(key);
        entered(replica);
        return new Promise((_, reject) =>
          ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason as Error)),
        );
      };
    }
    return backend;
  };
}

/** Resolves with the replica index once `key` is hanging on it. */
function hang(key: string): Promise<number> {
  return new Promise((resolve) => hangOnce.set(key, resolve));
}

beforeAll(async () => {
  for (let i = 0; i < 3; i += 1) {
    live.add(i);
    replicas.push(
      await startProviderServer({
        type: 'mock',
        createBackend: hookedBackend(i),
        logLevel: 'error',
        shutdownGraceMs: 0,
      }),
    );
  }
  gateway = new ProviderGateway({ metrics: new ManagerMetrics(), log: pino({ level: 'silent' }) });
  endpoint = {
    key: 'default/mock',
    address: 'virtrigaud-provider-mock.default.svc:9090',
    replicas: replicas.map((r) => r.address),
  };
});

afterAll(async () => {
  gateway.close();
  await Promise.all([...live].map((i) => replicas[i].stop(0)));
  fs.rmSync(stateDir, { recursive: true, force: true });
});

const createRequest = (name: string) => ({
  name,
  owner: { uid: `uid-${name}`, namespace: 'default', name },
  classJson: '{"cpu":1,"memory":"512Mi"}',
  imageJson: '{"source":{"mock":{"name":"img"}}}',
  networksJson: '[]',
  disksJson: '[]',
  placementJson: '{}',
  userData: Buffer.alloc(0),
  metaData: Buffer.alloc(0),
  tags: [],
  targetHostId: '',
});

const describeVm = (id: string) =>
  gateway.call(endpoint, 'describe', DescribeRequest.fromPartial({ id }), options);

async function validateCount(replica: RunningProvider): Promise<number> {
  const text = await (await fetch(`${replica.metricsUrl}/metrics`)).text();
  const line = text
    .split('\n')
    .find((l) => l.startsWith('provider_grpc_requests_total{method="Validate",status="success"}'));
  return line ? Number(line.split(' ').pop()) : 0;
}

const taskDone = (task: string) =>
  eventually(
    `task ${task} done`,
    async () => (await gateway.call(endpoint, 'taskStatus', { task: { id: task } }, options)).done,
    { timeoutMs: 10_000, intervalMs: 10 },
  );

/** A stopped replica leaves the Service's endpoints (as its EndpointSlice says). */
function forget(victim: number): void {
  live.delete(victim);
  endpoint = { ...endpoint, replicas: [...live].map((i) => replicas[i].address) };
}

/** The mock hypervisor's VMs of that name, as a surviving replica lists them. */
async function vmsNamed(name: string) {
  const listed = await replicas[[...live][0]].backend.listVMs({
    signal: new AbortController().signal,
  } as never);
  return listed.filter((vm) => vm.name === name);
}

it('spreads calls evenly over the ready replicas', async () => {
  const before = await Promise.all(replicas.map(validateCount));
  for (let i = 0; i < 30; i += 1) await gateway.call(endpoint, 'validate', {}, options);
  const after = await Promise.all(replicas.map(validateCount));
  expect(after.map((n, i) => n - before[i])).toEqual([10, 10, 10]);
});

it('lets any replica answer for the tasks and VMs another one created', async () => {
  const created = await Promise.all(
    Array.from({ length: 6 }, (_, i) =>
      gateway.call(endpoint, 'create', createRequest(`spread-${i}`), options),
    ),
  );
  // Every task is polled through the rotation, so replicas other than the creator answer too.
  for (const vm of created) await taskDone(vm.task!.id);
  for (const vm of created) expect((await describeVm(vm.id)).exists).toBe(true);
});

it('repeats a Create on another replica when its replica vanishes mid-call: one VM', async () => {
  const hanging = hang('create:vanishing');
  const creating = gateway.call(endpoint, 'create', createRequest('vanishing'), options);
  const victim = await hanging;
  await replicas[victim].stop(0);
  const created = await creating;
  await taskDone(created.task!.id);
  expect(invocations['create:vanishing']).toBe(2);
  forget(victim);
  expect(await vmsNamed('vanishing')).toHaveLength(1);
});

it('does not repeat a SnapshotCreate (no idempotency key) when its replica vanishes', async () => {
  const vm = await gateway.call(endpoint, 'create', createRequest('snapshotted'), options);
  await taskDone(vm.task!.id);
  const hanging = hang(`snapshotCreate:${vm.id}`);
  const snapshotting = gateway.call(
    endpoint,
    'snapshotCreate',
    { vmId: vm.id, nameHint: 'before', includeMemory: false, description: '', targetHostId: '' },
    options,
  );
  const victim = await hanging;
  await replicas[victim].stop(0);
  const err = await snapshotting.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ProviderCallError);
  expect([status.UNAVAILABLE, status.CANCELLED]).toContain((err as ProviderCallError).code);
  expect(invocations[`snapshotCreate:${vm.id}`]).toBe(1);
  forget(victim);
  // The remaining replica still answers every call (the gone ones are skipped, not waited for).
  expect((await describeVm(vm.id)).exists).toBe(true);
  const [snapshotted] = await vmsNamed('snapshotted');
  expect(JSON.stringify(snapshotted.raw)).not.toContain('before');
});

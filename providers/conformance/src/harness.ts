// Shared state of one conformance run: the started provider, a client for it, the VMs the run
// created (deleted again in afterAll, so a failing check leaves nothing behind) and helpers.
import { status, type ServiceError } from '@grpc/grpc-js';
import type { ObjectIdentity, TaskRef } from '@virtrigaud/proto';
import { createProviderClient, type TypedProviderClient } from '@virtrigaud/provider-sdk';
import { randomBytes, randomUUID } from 'node:crypto';
import type { ConformanceOptions, ConformanceTarget } from './options';

const DEFAULT_TASK_TIMEOUT_MS = 120_000;
const DEFAULT_CALL_DEADLINE_MS = 60_000;

export class Harness {
  private started?: { target: ConformanceTarget; client: TypedProviderClient };
  /** VMs this run made, with the owner each was created for (Delete needs it). */
  private readonly created = new Map<string, ObjectIdentity>();
  /** Distinguishes this run's VMs from any other run's on a shared hypervisor. */
  readonly runId = randomBytes(3).toString('hex');

  constructor(readonly options: ConformanceOptions) {}

  get taskTimeoutMs(): number {
    return this.options.taskTimeoutMs ?? DEFAULT_TASK_TIMEOUT_MS;
  }

  /** Jest timeout of a check that waits for up to `tasks` tasks. */
  timeout(tasks = 1): number {
    return this.taskTimeoutMs * tasks + 30_000;
  }

  get client(): TypedProviderClient {
    if (!this.started) throw new Error('conformance: the provider was not started');
    return this.started.client;
  }

  get target(): ConformanceTarget {
    if (!this.started) throw new Error('conformance: the provider was not started');
    return this.started.target;
  }

  async start(): Promise<void> {
    const target = await this.options.start();
    const client = createProviderClient(target.address, {
      tls: target.tls,
      deadlineMs: this.options.callDeadlineMs ?? DEFAULT_CALL_DEADLINE_MS,
    });
    this.started = { target, client };
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    try {
      for (const [id, owner] of this.created) await this.deleteAndWait(id, owner);
    } finally {
      this.started.client.close();
      await this.started.target.stop();
      this.started = undefined;
    }
  }

  vmName(suffix: string): string {
    return `${this.options.fixtures.namePrefix ?? 'conformance'}-${this.runId}-${suffix}`;
  }

  owner(name: string): ObjectIdentity {
    return { uid: randomUUID(), namespace: 'conformance', name };
  }

  track(id: string, owner: ObjectIdentity): void {
    this.created.set(id, owner);
  }

  untrack(id: string): void {
    this.created.delete(id);
  }

  /** Create request fields from the fixtures. */
  createFields(name: string, owner: ObjectIdentity) {
    const { fixtures } = this.options;
    return {
      name,
      owner,
      classJson: JSON.stringify(fixtures.class),
      imageJson: JSON.stringify(fixtures.image),
      networksJson: JSON.stringify(fixtures.networks ?? []),
      disksJson: JSON.stringify(fixtures.disks ?? []),
      placementJson: JSON.stringify(fixtures.placement ?? {}),
      tags: ['virtrigaud-conformance'],
    };
  }

  /** Polls TaskStatus until the task is done; fails with the task's error. */
  async waitForTask(task: TaskRef | undefined): Promise<void> {
    if (!task?.id) return;
    const deadline = Date.now() + this.taskTimeoutMs;
    for (let delayMs = 20; ; delayMs = Math.min(delayMs * 2, 1000)) {
      const state = await this.client.taskStatus({ task });
      if (state.done) {
        if (state.error) throw new Error(`task ${task.id} failed: ${state.error}`);
        return;
      }
      if (Date.now() > deadline)
        throw new Error(`task ${task.id} not done after ${this.taskTimeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }

  async createAndWait(name: string, owner: ObjectIdentity): Promise<string> {
    const created = await this.client.create(this.createFields(name, owner));
    this.track(created.id, owner);
    await this.waitForTask(created.task);
    return created.id;
  }

  async deleteAndWait(id: string, owner: ObjectIdentity): Promise<void> {
    const deleted = await this.client.delete({ id, owner });
    await this.waitForTask(deleted.task);
    this.untrack(id);
  }

  /** Names of the VMs this run has on the hypervisor (other runs may share it). */
  async runVMs(): Promise<string[]> {
    const { vms } = await this.client.listVMs();
    return vms
      .map((vm) => vm.name)
      .filter((name) => name.includes(this.runId))
      .sort();
  }

  async vmsNamed(name: string) {
    const { vms } = await this.client.listVMs();
    return vms.filter((vm) => vm.name === name);
  }
}

/** The gRPC error a promise rejects with; fails the check when it resolves instead. */
export async function grpcError(call: Promise<unknown>): Promise<ServiceError> {
  try {
    await call;
  } catch (err) {
    if (typeof (err as ServiceError).code === 'number') return err as ServiceError;
    throw err;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/** Asserts a gRPC error code by name, so a mismatch reads "NOT_FOUND" rather than 5. */
export function codeName(err: ServiceError): string {
  return status[err.code];
}

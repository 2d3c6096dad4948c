// Test helpers around a backend: owners, create inputs, and waiting for tasks (polling
// TaskStatus with a deadline, as the operator does).
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { CreateInput, HypervisorBackend, Operation, Owner } from '@virtrigaud/provider-sdk';
import { callContext } from './vcsim';

export function newOwner(): Owner {
  const uid = randomUUID();
  return { uid, namespace: 'tests', name: `vm-${uid.slice(0, 8)}` };
}

export function createInput(owner: Owner, overrides: Partial<CreateInput> = {}): CreateInput {
  return {
    name: `tests.${owner.name}`,
    owner,
    class: { cpu: 1, memory: '512Mi' },
    image: { source: {} },
    networks: [],
    disks: [],
    placement: {},
    tags: [],
    ...overrides,
  };
}

const TASK_DEADLINE_MS = 20_000;
const POLL_MS = 10;

/** Waits until the operation's task is done and returns its error (undefined on success). */
export async function settle(
  backend: HypervisorBackend,
  operation: Operation,
): Promise<string | undefined> {
  if (!operation.task) return undefined;
  const deadline = Date.now() + TASK_DEADLINE_MS;
  while (Date.now() < deadline) {
    const state = await backend.taskStatus(callContext(), operation.task);
    if (state.done) return state.error;
    await delay(POLL_MS);
  }
  throw new Error(`task ${operation.task} not done after ${TASK_DEADLINE_MS} ms`);
}

/** Like settle, but the task must succeed. */
export async function succeed<T extends Operation>(
  backend: HypervisorBackend,
  operation: Promise<T>,
): Promise<T> {
  const result = await operation;
  const error = await settle(backend, result);
  if (error) throw new Error(`task ${result.task} failed: ${error}`);
  return result;
}

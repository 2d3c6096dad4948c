// Test helpers around a backend: owners, create inputs, and waiting for tasks (polling
// TaskStatus with a deadline, as the operator does).
import { randomUUID } from 'node:crypto';
import { testing, type CreateInput, type Owner } from '@virtrigaud/provider-sdk';
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

/** Polls TaskStatus until done: settle returns the task's error, succeed requires there is none. */
export const { settle, succeed } = testing.taskWaiter({
  callContext,
  deadlineMs: 20_000,
  pollMs: 10,
});

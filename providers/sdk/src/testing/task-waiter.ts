// Waiting for a backend's task the way the operator does: polling TaskStatus until it is done,
// with a deadline, so a test never sleeps for a guessed time.
import { setTimeout as delay } from 'node:timers/promises';
import type { CallContext, HypervisorBackend, Operation } from '../backend';

export interface TaskWaiterOptions {
  /** A fresh context for each TaskStatus call. */
  callContext: () => CallContext;
  /** How long a task may take before the test fails. */
  deadlineMs: number;
  /** Pause after the first poll; it doubles up to `maxPollMs` (stays put when that is unset). */
  pollMs: number;
  maxPollMs?: number;
}

export interface TaskWaiter {
  /** Waits until the operation's task is done and returns its error (undefined on success). */
  settle(backend: HypervisorBackend, operation: Operation): Promise<string | undefined>;
  /** Like settle, but the task must succeed; returns the operation. */
  succeed<T extends Operation>(backend: HypervisorBackend, operation: Promise<T>): Promise<T>;
}

export function taskWaiter({
  callContext,
  deadlineMs,
  pollMs,
  maxPollMs = pollMs,
}: TaskWaiterOptions): TaskWaiter {
  const settle: TaskWaiter['settle'] = async (backend, operation) => {
    if (!operation.task) return undefined;
    const deadline = Date.now() + deadlineMs;
    for (let wait = pollMs; ; wait = Math.min(wait * 2, maxPollMs)) {
      const state = await backend.taskStatus(callContext(), operation.task);
      if (state.done) return state.error;
      if (Date.now() > deadline) {
        throw new Error(`task ${operation.task} not done after ${deadlineMs} ms`);
      }
      await delay(wait);
    }
  };
  return {
    settle,
    async succeed(backend, operation) {
      const result = await operation;
      const error = await settle(backend, result);
      if (error) throw new Error(`task ${result.task} failed: ${error}`);
      return result;
    },
  };
}

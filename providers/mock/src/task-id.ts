// Self-describing task ids: everything TaskStatus needs is in the id, so any replica answers for
// any task, with or without shared state.
import { notFound } from '@virtrigaud/provider-sdk';

const PREFIX = 'mock-task.';

export interface TaskInfo {
  vm: string;
  op: string;
  due: number;
  error?: string;
}

export function encodeTaskId(task: TaskInfo): string {
  return PREFIX + Buffer.from(JSON.stringify(task)).toString('base64url');
}

export function decodeTaskId(id: string): TaskInfo {
  if (id.startsWith(PREFIX)) {
    try {
      const task = JSON.parse(Buffer.from(id.slice(PREFIX.length), 'base64url').toString('utf8'));
      if (
        typeof task.vm === 'string' &&
        typeof task.op === 'string' &&
        typeof task.due === 'number'
      ) {
        return task;
      }
    } catch {
      // falls through to NOT_FOUND
    }
  }
  throw notFound(`task ${id} is not a task of the mock provider`);
}

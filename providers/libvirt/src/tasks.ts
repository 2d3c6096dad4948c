// Task ids that any replica can resolve: they carry the domain and the state the operation leads
// to, and TaskStatus checks that state on the real domain. Nothing is kept only in the process
// except a fast path for errors of work still running here.
import { invalidArgument } from '@virtrigaud/provider-sdk';

export type Expected = 'defined' | 'running' | 'shut off' | 'absent';

export interface TaskSpec {
  /** Operation, for messages and logs. */
  op: string;
  /** Domain UUID. */
  id: string;
  expect: Expected;
  /** Epoch ms after which a graceful shutdown is finished with a hard power-off. */
  hardOffAt?: number;
  /** Epoch ms after which a task whose state never appeared is reported failed. */
  giveUpAt?: number;
}

const PREFIX = 'lv1.';

export function encodeTask(spec: TaskSpec): string {
  return PREFIX + Buffer.from(JSON.stringify(spec)).toString('base64url');
}

export function decodeTask(task: string): TaskSpec {
  if (!task.startsWith(PREFIX))
    throw invalidArgument('task.id', 'not a task of the libvirt provider');
  let spec: Partial<TaskSpec>;
  try {
    spec = JSON.parse(Buffer.from(task.slice(PREFIX.length), 'base64url').toString('utf8'));
  } catch {
    throw invalidArgument('task.id', 'malformed task id');
  }
  if (typeof spec.op !== 'string' || typeof spec.id !== 'string' || typeof spec.expect !== 'string')
    throw invalidArgument('task.id', 'malformed task id');
  return spec as TaskSpec;
}

// TaskStatus from a UPID alone: the UPID names its node, so any replica can answer it.
import {
  invalidArgument,
  notFound,
  type CallContext,
  type TaskState,
} from '@virtrigaud/provider-sdk';
import { PveApiError } from '../client/errors';
import { parseUpid, readTask } from '../client/tasks';
import type { PveContext } from './context';

export async function taskStatus(
  pve: PveContext,
  ctx: CallContext,
  task: string,
): Promise<TaskState> {
  const upid = parseUpid(task);
  if (!upid) throw invalidArgument('task.id', 'is not a Proxmox task id (UPID:...)');
  try {
    return await readTask(pve.client, upid, ctx);
  } catch (err) {
    if (err instanceof PveApiError && /no such task/i.test(err.pveMessage)) {
      throw notFound(`task.id: Proxmox node ${upid.node} does not know this task`);
    }
    throw err;
  }
}

// TaskStatus for the ids this backend hands out: vCenter task morefs and guest shutdowns.
import { notFound, type CallContext, type TaskState } from '@virtrigaud/provider-sdk';
import { readTask, taskRef } from '../vim25/tasks';
import type { VSphereContext } from './context';
import { isFault } from './errors';
import { guestShutdownStatus, parseGuestShutdownTask, settledPowerTask } from './power';

export async function taskStatus(
  vs: VSphereContext,
  ctx: CallContext,
  task: string,
): Promise<TaskState> {
  const shutdown = parseGuestShutdownTask(task);
  if (shutdown) return guestShutdownStatus(vs, ctx, shutdown);
  try {
    const info = await readTask(vs.client, taskRef(task), ctx.signal);
    if (info.state === 'error') {
      if (await settledPowerTask(vs, ctx, info)) return { done: true };
      return { done: true, error: info.error };
    }
    if (info.state === 'success') vs.creations.completed(task, info.result);
    return { done: info.state === 'success' };
  } catch (err) {
    if (isFault(err, 'ManagedObjectNotFound')) {
      throw notFound(`task ${task} is not known to vCenter (finished long ago or never existed)`);
    }
    throw err;
  }
}

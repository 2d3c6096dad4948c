// Create and Power answer without a task when vCenter finishes theirs quickly, so the operator
// goes on in the same reconcile instead of coming back for TaskStatus (provider-libvirt answers
// fast builds the same way). Longer tasks, and tasks that failed, are handed back as the task id
// as before: TaskStatus then reports them with vCenter's message, from any replica.
import type { CallContext } from '@virtrigaud/provider-sdk';
import type { MoRef } from '../vim25/moref';
import { taskOutcomeWithin, type TaskInfo } from '../vim25/tasks';
import type { VSphereContext } from './context';

/**
 * How long a call waits for its task: short against the operator's deadlines (60 s for Create,
 * 30 s for Power), long enough for many power-ons and small creates, each of which would
 * otherwise cost the operator a requeue and TaskStatus polls (from 50 ms, doubling). Same bound
 * as provider-libvirt.
 */
export const ANSWER_WITHIN_MS = 2_000;

/** The task's final info if it ended within ANSWER_WITHIN_MS, else undefined. */
export function quickOutcome(
  vs: VSphereContext,
  ctx: CallContext,
  task: MoRef,
): Promise<TaskInfo | undefined> {
  return taskOutcomeWithin(vs.client, task, ANSWER_WITHIN_MS, ctx.signal);
}

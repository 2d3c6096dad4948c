// TaskStatus from the task id alone: the expected domain state is checked on the hypervisor, so any
// replica answers; this process's record of its own background work only adds the error message.
import type { CallContext, TaskState } from '@virtrigaud/provider-sdk';
import type { LibvirtContext } from '../context';
import { isActive } from '../domain/power-state';
import { decodeTask } from '../tasks';
import { hardOff } from './power';

export async function taskStatus(
  lv: LibvirtContext,
  ctx: CallContext,
  task: string,
): Promise<TaskState> {
  const spec = decodeTask(task);
  const local = lv.inflight.status(`${spec.op}:${spec.id}`);
  if (local && !local.done) return { done: false };
  if (local?.error) return { done: true, error: local.error };
  // This process finished the work itself (its last step defined the domain): nothing to ask.
  if (local) return { done: true };
  const state = await lv.domains.state(spec.id, ctx.signal);
  switch (spec.expect) {
    case 'defined':
      if (state !== undefined) return { done: true };
      if (spec.giveUpAt && Date.now() > spec.giveUpAt)
        return {
          done: true,
          error: `${spec.op} did not complete (the provider working on it may have stopped); retry`,
        };
      return { done: false };
    case 'running':
      return { done: isActive(state) };
    case 'absent':
      return { done: state === undefined };
    case 'shut off':
      if (!isActive(state)) return { done: true };
      if (spec.hardOffAt && Date.now() > spec.hardOffAt) {
        await hardOff(lv, spec.id, ctx.signal);
        return { done: true };
      }
      return { done: false };
  }
}

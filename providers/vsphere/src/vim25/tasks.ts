// vCenter tasks: their state is read from the Task object itself, so any provider replica can
// follow a task another one started, knowing only its moref value ("task-123").
import type { Vim25Client } from './client';
import { SoapFault } from './faults';
import { MoRef } from './moref';
import { retrieveOne } from './properties';
import { child, childText, children, moref, text, type XmlNode, xsiType } from './xml';

export interface TaskInfo {
  state: 'queued' | 'running' | 'success' | 'error';
  /** vCenter's message when state is error (localizedMessage, else the fault type). */
  error?: string;
  errorType?: string;
  result?: XmlNode;
  /** What the task does ("VirtualMachine.powerOn") and on which object; set by readTask. */
  descriptionId?: string;
  entity?: MoRef;
}

export function taskRef(id: string): MoRef {
  return new MoRef('Task', id);
}

/** A TaskInfo from its state, error (LocalizedMethodFault) and result nodes. */
function taskInfo(
  state: string | undefined,
  error: XmlNode | undefined,
  result: XmlNode | undefined,
): TaskInfo {
  if (state !== 'error') return { state: (state ?? 'queued') as TaskInfo['state'], result };
  const errorType = xsiType(child(error, 'fault')) ?? 'SystemError';
  const message = childText(error, 'localizedMessage')?.trim();
  return { state, errorType, error: message || errorType };
}

function readTaskInfo(info: XmlNode | undefined): TaskInfo {
  return {
    ...taskInfo(childText(info, 'state'), child(info, 'error'), child(info, 'result')),
    descriptionId: childText(info, 'descriptionId'),
    entity: moref(child(info, 'entity')),
  };
}

export async function readTask(
  client: Vim25Client,
  task: MoRef,
  signal?: AbortSignal,
): Promise<TaskInfo> {
  const content = await retrieveOne(client, task, ['info'], signal);
  return readTaskInfo(content.props.get('info'));
}

/** Thrown for a task that ended in error; `faultType` is the fault vCenter recorded. */
export class TaskFailed extends SoapFault {}

const WAIT_SECONDS = 10;
const WATCHED = ['info.state', 'info.error', 'info.result', 'info.descriptionId', 'info.entity'];

/**
 * Waits for a task to finish with WaitForUpdatesEx on a private PropertyCollector (the shared one
 * would mix filters of concurrent waiters), and returns its result or throws TaskFailed.
 */
export async function waitForTask(
  client: Vim25Client,
  task: MoRef,
  signal?: AbortSignal,
): Promise<XmlNode | undefined> {
  const info = (await watchTask(client, task, Infinity, signal))!;
  if (info.state === 'error') throw new TaskFailed(info.errorType!, info.error!);
  return info.result;
}

/**
 * The task's final info if it ends within `ms`, else undefined (still queued or running). One
 * property read first, the same call a polling client makes: vCenter finishes some tasks (a
 * power-on of a small VM, everything on vcsim) before it is asked, and then no collector is
 * needed. Otherwise it waits with WaitForUpdatesEx, which answers as soon as vCenter records the
 * end, instead of polling.
 */
export async function taskOutcomeWithin(
  client: Vim25Client,
  task: MoRef,
  ms: number,
  signal?: AbortSignal,
): Promise<TaskInfo | undefined> {
  const deadline = Date.now() + ms;
  const first = await readTask(client, task, signal);
  if (first.state === 'success' || first.state === 'error') return first;
  return watchTask(client, task, deadline, signal);
}

/**
 * Follows a task's info on a private PropertyCollector until it ends (returns its info) or
 * `deadline` (epoch ms) passes (returns undefined). WaitForUpdatesEx takes whole seconds, so
 * the deadline is kept to within a second.
 */
async function watchTask(
  client: Vim25Client,
  task: MoRef,
  deadline: number,
  signal?: AbortSignal,
): Promise<TaskInfo | undefined> {
  const content = await client.serviceContent(signal);
  const collector = moref(
    await client.invoke('CreatePropertyCollector', content.propertyCollector, {}, signal),
  )!;
  try {
    await client.invoke(
      'CreateFilter',
      collector,
      {
        spec: {
          propSet: { type: 'Task', pathSet: WATCHED },
          objectSet: { obj: task, skip: false },
        },
        partialUpdates: false,
      },
      signal,
    );
    let version = '';
    const values = new Map<string, XmlNode>();
    for (;;) {
      signal?.throwIfAborted();
      // The first call (empty version) answers at once with the current values.
      const left = deadline - Date.now();
      if (version && left <= 0) return undefined;
      const maxWaitSeconds = Math.max(1, Math.min(WAIT_SECONDS, Math.ceil(left / 1000)));
      const updates = await client.invoke(
        'WaitForUpdatesEx',
        collector,
        { version, options: { maxWaitSeconds } },
        signal,
      );
      if (!updates) continue;
      version = childText(updates, 'version') ?? version;
      const info = foldUpdates(updates, values);
      if (info.state === 'success' || info.state === 'error') return info;
    }
  } finally {
    await client.invoke('DestroyPropertyCollector', collector).catch(() => undefined);
  }
}

/** Folds one UpdateSet into the values seen so far and returns the TaskInfo they describe. */
function foldUpdates(updates: XmlNode, values: Map<string, XmlNode>): TaskInfo {
  for (const filterSet of children(updates, 'filterSet')) {
    for (const objectSet of children(filterSet, 'objectSet')) {
      for (const change of children(objectSet, 'changeSet')) {
        const name = childText(change, 'name');
        const value = child(change, 'val');
        if (name && value !== undefined) values.set(name, value);
      }
    }
  }
  return {
    ...taskInfo(
      text(values.get('info.state')),
      values.get('info.error'),
      values.get('info.result'),
    ),
    descriptionId: text(values.get('info.descriptionId')),
    entity: moref(values.get('info.entity')),
  };
}

// Proxmox worker tasks. An async call answers a UPID, which names the node the task runs on, so
// any replica can poll `/nodes/{node}/tasks/{upid}/status` with nothing but the UPID.
import { setTimeout as delay } from 'node:timers/promises';
import { ProviderError } from '@virtrigaud/provider-sdk';
import { apiPath, type CallScope, type PveClient } from './pve-client';

export interface Upid {
  upid: string;
  node: string;
  type: string;
  id: string;
  user: string;
}

const UPID =
  /^UPID:([a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?):[0-9A-Fa-f]{8}:[0-9A-Fa-f]{8,9}:(?:[0-9A-Fa-f]{8}:)?[0-9A-Fa-f]{8}:([^:\s]+):([^:\s]*):([^:\s]+):$/;

export function parseUpid(text: string): Upid | undefined {
  const match = UPID.exec(text);
  if (!match) return undefined;
  return { upid: text, node: match[1], type: match[3], id: match[4], user: match[5] };
}

export interface TaskState {
  done: boolean;
  /** The task's exit status when it ended with anything but success. */
  error?: string;
}

interface TaskStatusData {
  status: 'running' | 'stopped';
  exitstatus?: string;
}

/** `OK`, and `WARNINGS: n` (finished, with warnings in the log), are success. */
function succeeded(exitstatus: string | undefined): boolean {
  return exitstatus === 'OK' || /^WARNINGS: \d+$/.test(exitstatus ?? '');
}

export async function readTask(
  client: PveClient,
  upid: Upid,
  scope: CallScope = {},
): Promise<TaskState> {
  const status = await client.get<TaskStatusData>(
    apiPath`/nodes/${upid.node}/tasks/${upid.upid}/status`,
    {},
    scope,
  );
  if (status.status !== 'stopped') return { done: false };
  return succeeded(status.exitstatus)
    ? { done: true }
    : { done: true, error: status.exitstatus ?? 'task ended without exit status' };
}

const POLL_START_MS = 20;
const POLL_MAX_MS = 1000;

/** Polls until the task ends (bounded by `scope.signal`); throws with the exit status on failure. */
export async function waitForTask(
  client: PveClient,
  upidText: string,
  scope: CallScope,
): Promise<void> {
  const upid = parseUpid(upidText);
  if (!upid) throw new Error(`Proxmox answered something that is not a task id: ${upidText}`);
  for (let pollMs = POLL_START_MS; ; pollMs = Math.min(pollMs * 2, POLL_MAX_MS)) {
    const state = await readTask(client, upid, scope);
    if (state.done) {
      if (state.error) throw new TaskFailedError(upid, state.error);
      return;
    }
    await delay(pollMs, undefined, { signal: scope.signal });
  }
}

/** A task the provider waited for ended with an error (exit status in the message). */
export class TaskFailedError extends ProviderError {
  constructor(
    readonly upid: Upid,
    readonly exitstatus: string,
  ) {
    super('FAILED_PRECONDITION', `Proxmox task ${upid.type} on ${upid.node} failed: ${exitstatus}`);
  }
}

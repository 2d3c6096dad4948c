// Waiting for tasks, against tasks that stay running until the test ends them (vcsim's
// TaskManager:TaskControl, see test-fixtures/vcsim/main.go): vcsim's own tasks are finished
// before their method returns, so only these can outlast a wait.
import { vcsim } from '../testing/vcsim';
import { Vim25Client } from './client';
import { MoRef } from './moref';
import { taskOutcomeWithin, waitForTask } from './tasks';
import { child, moref, typed, type SoapValue } from './xml';

/** A client that reports each method it sends, so a test can act while a wait is pending. */
class ObservedClient extends Vim25Client {
  onInvoke: (method: string, args: Record<string, SoapValue>) => void = () => undefined;

  override invoke(
    method: string,
    self: MoRef,
    args: Record<string, SoapValue> = {},
    signal?: AbortSignal,
  ) {
    this.onInvoke(method, args);
    return super.invoke(method, self, args, signal);
  }
}

const TASK_CONTROL = new MoRef('TaskManager', 'TaskControl');
let client: ObservedClient;

beforeEach(() => {
  const sim = vcsim();
  client = new ObservedClient({
    endpoint: sim.endpoint,
    username: sim.username,
    password: sim.password,
    tls: { mode: 'verify', ca: sim.certificatePem },
  });
});

afterEach(() => client.close());

/** A running task on the root folder. */
async function runningTask(): Promise<MoRef> {
  const { rootFolder } = await client.serviceContent();
  const info = await client.invoke('CreateTask', TASK_CONTROL, {
    obj: rootFolder,
    taskTypeId: 'virtrigaud.test',
    cancelable: false,
  });
  return moref(child(info, 'task'))!;
}

/** Calls `end` once the client is blocked in a WaitForUpdatesEx that waits for changes. */
function whenWaiting(end: () => Promise<unknown>): Promise<unknown> {
  return new Promise((resolve, reject) => {
    client.onInvoke = (method, args) => {
      if (method !== 'WaitForUpdatesEx' || !args.version) return;
      client.onInvoke = () => undefined;
      // The change lands after the collector's first answer: only this wait can report it.
      setImmediate(() => end().then(resolve, reject));
    };
  });
}

describe('waiting for a task', () => {
  it('answers as soon as a running task succeeds, through WaitForUpdatesEx', async () => {
    const task = await runningTask();
    const ended = whenWaiting(() =>
      client.invoke('SetTaskState', task, { state: 'success', result: typed('xsd:string', 'ok') }),
    );
    const info = await taskOutcomeWithin(client, task, 10_000);
    await ended;
    expect(info).toMatchObject({ state: 'success', descriptionId: 'virtrigaud.test' });
  });

  it('reports a task that fails while waited for with its message', async () => {
    const task = await runningTask();
    const ended = whenWaiting(() =>
      client.invoke('SetTaskState', task, {
        state: 'error',
        fault: { fault: typed('InvalidArgument', {}), localizedMessage: 'the disk is too small' },
      }),
    );
    const info = await taskOutcomeWithin(client, task, 10_000);
    await ended;
    expect(info).toMatchObject({
      state: 'error',
      errorType: 'InvalidArgument',
      error: 'the disk is too small',
    });
  });

  it('gives up at the bound on a task still running and leaves no collector behind', async () => {
    const task = await runningTask();
    const sent: string[] = [];
    client.onInvoke = (method) => sent.push(method);
    const started = Date.now();
    expect(await taskOutcomeWithin(client, task, 1_000)).toBeUndefined();
    // WaitForUpdatesEx counts whole seconds: the bound holds to within one.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    expect(Date.now() - started).toBeLessThan(2_500);
    expect(sent.filter((m) => m === 'CreatePropertyCollector')).toHaveLength(1);
    expect(sent.filter((m) => m === 'DestroyPropertyCollector')).toHaveLength(1);
  });

  it('returns an already finished task from one property read', async () => {
    const task = await runningTask();
    await client.invoke('SetTaskState', task, { state: 'success' });
    const sent: string[] = [];
    client.onInvoke = (method) => sent.push(method);
    expect(await taskOutcomeWithin(client, task, 1_000)).toMatchObject({ state: 'success' });
    expect(sent).toEqual(['RetrievePropertiesEx']);
    await expect(waitForTask(client, task)).resolves.toBeUndefined();
  });
});

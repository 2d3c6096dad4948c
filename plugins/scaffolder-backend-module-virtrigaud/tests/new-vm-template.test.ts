// The "New virtual machine" template, end to end. The template YAML shipped
// in templates/ is served by the catalog and run by the real scaffolder backend plugin (its task
// worker and template runner: parameter validation, `if`, `${{ }}` templating, outputs) with this
// module's actions, started with startTestBackend. The VirtualMachine it creates on a devcluster
// is brought to Running by the real operator binary (operator/dist/main.js, as `npm start` runs
// it) and the real provider-mock, which the devcluster's kubelet runs from the Deployment the
// operator generates for the Provider.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { Resources, type Provider, type VirtualMachine } from '@virtrigaud/api';
import {
  createCatalogue,
  startTestCluster,
  type TestCluster,
} from '@virtrigaud/plugin-virtrigaud-backend/dist/testing/test-cluster';
import { eventually } from '@virtrigaud/testing';
import { parse } from 'yaml';
import scaffolderModuleVirtrigaud, { TASK_ID_LABEL } from '../src/index';

jest.setTimeout(180_000);

const TEMPLATE_FILE = path.join(__dirname, '..', 'templates', 'new-virtual-machine.yaml');
const OPERATOR_MAIN = require.resolve('@virtrigaud/operator/dist/main.js');
const USER = 'user:default/alice';

let cluster: TestCluster;
let operator: ChildProcess | undefined;
let operatorLog = '';
let backend: Awaited<ReturnType<typeof startTestBackend>>;
let scaffolderUrl: string;
let ns: string;

afterAll(async () => {
  await backend?.stop();
  await stopOperator();
  await cluster?.stop();
});

// The scaffolder's task store: an in-memory SQLite database the suite owns, so it is closed after
// the suite (TestDatabases registers that) instead of keeping jest alive.
const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
/** Reads of the task_events table started after a task completed, once answered. */
let readsAfterCompletion = 0;

/**
 * The operator as its own process, as scripts/start.sh runs it (default provider addressing: the
 * EndpointSlices of the provider Service), with a short Provider health interval.
 */
function startOperator(kubeconfigPath: string): ChildProcess {
  const child = spawn(
    process.execPath,
    [
      OPERATOR_MAIN,
      `--kubeconfig=${kubeconfigPath}`,
      '--metrics-addr=0',
      '--health-addr=0',
      '--provider-health-interval=1s',
      '--log-level=warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const keep = (chunk: Buffer) => {
    operatorLog = (operatorLog + chunk.toString()).slice(-20_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  return child;
}

async function stopOperator(): Promise<void> {
  if (!operator || operator.exitCode !== null) return;
  const exited = new Promise((resolve) => operator!.once('exit', resolve));
  operator.kill('SIGTERM');
  await exited;
}

beforeAll(async () => {
  cluster = await startTestCluster({ kubelet: true });
  ns = await cluster.newNamespace('template');
  // Provider "lab" (type mock), VMClass "small", VMImage "ubuntu", network "lan".
  await createCatalogue(cluster.client, ns);
  operator = startOperator(cluster.kubeconfigPath);
  const template = parse(fs.readFileSync(TEMPLATE_FILE, 'utf8')) as Entity;
  backend = await startTestBackend({
    features: [
      scaffolderPlugin,
      scaffolderModuleVirtrigaud,
      catalogServiceMock.factory({ entities: [template] }),
      mockServices.database.factory({ knex: await taskStore() }),
      mockServices.rootConfig.factory({
        data: {
          virtrigaud: {
            clusters: [{ name: 'local', kubeconfigPath: cluster.kubeconfigPath }],
            metrics: { intervalSeconds: 3600 },
          },
        },
      }),
    ],
  });
  scaffolderUrl = `http://localhost:${(backend.server.address() as AddressInfo).port}/api/scaffolder`;
});

interface Query {
  sql?: string;
  bindings?: unknown[];
  __knexQueryUid?: string;
}

/**
 * The scaffolder's database, watched for one thing: while a task runs, the scaffolder polls the
 * task's events for a cancellation once a second until it reads the completion event. A poll
 * after the suite closed the database would crash the process, so the test waits until, besides
 * its own GET of the events, one more read of them started after the completion was written.
 */
async function taskStore() {
  const knex = await databases.init('SQLITE_3');
  let completed = false;
  const afterCompletion = new Set<string | undefined>();
  knex.on('query', (query: Query) => {
    const sql = query.sql ?? '';
    if (sql.startsWith('insert into `task_events`') && query.bindings?.includes('completion'))
      completed = true;
    else if (completed && /^select .* from `task_events`/.test(sql))
      afterCompletion.add(query.__knexQueryUid);
  });
  knex.on('query-response', (_response: unknown, query: Query) => {
    if (afterCompletion.delete(query.__knexQueryUid)) readsAfterCompletion += 1;
  });
  return knex;
}

async function scaffolder<T>(method: string, route: string, body?: object): Promise<T> {
  const response = await fetch(`${scaffolderUrl}${route}`, {
    method,
    headers: {
      Authorization: mockCredentials.user.header(USER),
      'Content-Type': 'application/json',
    },
    body: body && JSON.stringify(body),
  });
  if (!response.ok)
    throw new Error(`${method} ${route}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

interface Task {
  id: string;
  status: string;
}

interface TaskEvent {
  type: string;
  body: { message?: string; output?: { links?: object[] } };
}

it('"New virtual machine" creates a VirtualMachine that the operator brings to Running', async () => {
  await eventually(
    'Provider lab Ready (the operator deployed provider-mock and reached it)',
    async () => {
      const provider = await cluster.client.get<Provider>(Resources.Provider, ns, 'lab');
      return provider?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
    },
    { timeoutMs: 60_000 },
  ).catch((err: Error) => {
    throw new Error(`${err.message}\noperator log:\n${operatorLog}`);
  });

  // What the form sends once the pickers and fields are filled in.
  const values = {
    name: 'web-e2e',
    namespace: ns,
    provider: 'lab',
    vmClass: 'small',
    image: 'ubuntu',
    networks: ['lan'],
    disks: [{ name: 'data', sizeGiB: 10 }],
    user: 'dev',
    sshPublicKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB3x dev@laptop',
    delivery: 'apply',
  };
  const { id } = await scaffolder<{ id: string }>('POST', '/v2/tasks', {
    templateRef: 'template:default/new-virtual-machine',
    values,
  });
  const task = await eventually(
    'the scaffolder task to finish',
    async () => {
      const current = await scaffolder<Task>('GET', `/v2/tasks/${id}`);
      return ['completed', 'failed', 'cancelled'].includes(current.status) && current;
    },
    { timeoutMs: 30_000 },
  );
  const events = await scaffolder<TaskEvent[]>('GET', `/v2/tasks/${id}/events`);
  // The task log in the failure message says which step failed and why.
  expect({ status: task.status, log: events.map((e) => e.body.message) }).toMatchObject({
    status: 'completed',
  });
  const messages = events.map((e) => e.body.message);
  expect(messages).toContain('Skipping step manifest because its if condition was false');
  expect(messages).toContain('Skipping step publish because its if condition was false');
  // The template's output links to the VM's catalog entity.
  const completion = events.find((e) => e.type === 'completion')!;
  expect(completion.body.output!.links).toEqual([
    {
      title: 'Virtual machine in the catalog',
      icon: 'catalog',
      entityRef: `resource:default/local.${ns}.web-e2e`,
    },
  ]);

  const running = await eventually(
    'VirtualMachine web-e2e Running with IPs',
    async () => {
      const vm = await cluster.client.get<VirtualMachine>(Resources.VirtualMachine, ns, 'web-e2e');
      return vm?.status?.phase === 'Running' && (vm.status.ips?.length ?? 0) > 0 && vm;
    },
    { timeoutMs: 60_000 },
  ).catch((err: Error) => {
    throw new Error(`${err.message}\noperator log:\n${operatorLog}`);
  });
  expect(running.metadata.labels![TASK_ID_LABEL]).toBe(id);
  expect(running.metadata.annotations!['backstage.io/owner']).toBe(USER);
  expect(running.spec).toMatchObject({
    providerRef: { name: 'lab' },
    classRef: { name: 'small' },
    imageRef: { name: 'ubuntu' },
    networks: [{ name: 'nic0', networkRef: { name: 'lan' } }],
    disks: [{ name: 'data', sizeGiB: 10 }],
    powerState: 'On',
  });
  expect(running.status).toMatchObject({ powerState: 'On', provider: { name: 'lab' } });
  expect(running.status!.conditions!.find((c) => c.type === 'Ready')).toMatchObject({
    status: 'True',
  });
  expect(running.status!.ips![0]).toMatch(/^198\.51\.100\.\d+$/);
  await eventually('the scaffolder to stop watching the task', () => readsAfterCompletion >= 2);
});

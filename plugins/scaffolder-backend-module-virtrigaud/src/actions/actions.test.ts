// The scaffolder actions through the scaffolder's own action test context, against a devcluster:
// creation with idempotent re-runs, server-side dry-run errors naming the field, GitOps manifests,
// credentials kept out of outputs, power and delete, and permission denials.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import {
  REBOOT_REQUESTED_ANNOTATION,
  Resources,
  type Provider,
  type VirtualMachine,
} from '@virtrigaud/api';
import { KubeResources } from '@virtrigaud/kube';
import { Inventory, readClusterDefinitions } from '@virtrigaud/plugin-virtrigaud-backend';
import { ConfigReader } from '@backstage/config';
import {
  createCatalogue,
  startTestCluster,
  type TestCluster,
} from '@virtrigaud/plugin-virtrigaud-backend/dist/testing/test-cluster';
import { parse } from 'yaml';
import {
  createProviderAction,
  createVmAction,
  deleteVmAction,
  powerVmAction,
  TASK_ID_LABEL,
} from '../index';

jest.setTimeout(60_000);

let cluster: TestCluster;
let inventory: Inventory;
let ns: string;
let workspace: string;
const denied = new Set<string>();
const permissions = mockServices.permissions.mock({
  authorize: async (requests) =>
    requests.map((r) => ({
      result: denied.has(r.permission.name) ? AuthorizeResult.DENY : AuthorizeResult.ALLOW,
    })),
});

async function run(
  action: { handler(ctx: never): Promise<void> },
  input: object,
  extra: { taskId?: string; isDryRun?: boolean } = {},
) {
  const ctx = createMockActionContext({
    input: input as never,
    workspacePath: workspace,
    isDryRun: extra.isDryRun,
    task: { id: extra.taskId ?? 'task-1' },
    user: { ref: 'user:default/alice' },
  });
  // This version of createMockActionContext does not carry isDryRun over; the scaffolder sets it.
  ctx.isDryRun = extra.isDryRun;
  await action.handler(ctx as never);
  // The mock context records outputs as calls of its output function.
  return Object.fromEntries((ctx.output as jest.Mock).mock.calls);
}

const vmInput = (name: string) => ({
  cluster: 'local',
  namespace: ns,
  name,
  provider: 'lab',
  vmClass: 'small',
  image: 'ubuntu',
  networks: ['lan'],
  disks: [{ name: 'data', sizeGiB: 10 }],
  user: 'dev',
  sshPublicKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB3x dev@laptop',
});

beforeAll(async () => {
  cluster = await startTestCluster();
  ns = await cluster.newNamespace('scaffolder');
  await createCatalogue(cluster.client, ns);
  const config = new ConfigReader({
    virtrigaud: { clusters: [{ name: 'local', kubeconfigPath: cluster.kubeconfigPath }] },
  });
  inventory = new Inventory(readClusterDefinitions(config), mockServices.logger.mock(), {
    intervalMs: 3_600_000,
    historySize: 1,
    timeoutMs: 1000,
  });
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'virtrigaud-workspace-'));
});

afterAll(async () => {
  inventory?.stop();
  await cluster?.stop();
  fs.rmSync(workspace, { recursive: true, force: true });
});

afterEach(() => denied.clear());

const options = () => ({ inventory, permissions });
const getVm = (name: string) =>
  cluster.client.get<VirtualMachine>(Resources.VirtualMachine, ns, name);

describe('virtrigaud:vm:create', () => {
  it('creates the VM with owner, task label and a cloud-init user, and outputs its refs', async () => {
    const out = await run(createVmAction(options()), vmInput('web-1'));
    expect(out).toMatchObject({
      cluster: 'local',
      namespace: ns,
      name: 'web-1',
      created: true,
      entityRef: `resource:default/local.${ns}.web-1`,
    });
    const vm = (await getVm('web-1'))!;
    expect(out.uid).toBe(vm.metadata.uid);
    expect(vm.metadata.labels![TASK_ID_LABEL]).toBe('task-1');
    expect(vm.metadata.annotations!['backstage.io/owner']).toBe('user:default/alice');
    expect(vm.spec.networks).toEqual([{ name: 'nic0', networkRef: { name: 'lan' } }]);
    const cloudInit = vm.spec.userData!.cloudInit.inline!;
    expect(cloudInit.startsWith('#cloud-config\n')).toBe(true);
    expect(parse(cloudInit).users[1]).toMatchObject({
      name: 'dev',
      ssh_authorized_keys: ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB3x dev@laptop'],
    });
  });

  it('re-running the same task finds its VM instead of creating a second one', async () => {
    const out = await run(createVmAction(options()), vmInput('web-1'));
    expect(out.created).toBe(false);
    const list = await cluster.client.list(Resources.VirtualMachine, ns);
    expect(list.items.filter((vm) => vm.metadata.name === 'web-1')).toHaveLength(1);
  });

  it('refuses a name another task already used', async () => {
    await expect(
      run(createVmAction(options()), vmInput('web-1'), { taskId: 'task-2' }),
    ).rejects.toThrow(/already exists and was not created by this task/);
  });

  it('dry-run validates on the server and creates nothing', async () => {
    const out = await run(createVmAction(options()), vmInput('dry-1'), { isDryRun: true });
    expect(out).toMatchObject({ name: 'dry-1', created: false });
    expect(await getVm('dry-1')).toBeUndefined();
  });

  it('writes the manifest to the workspace for GitOps instead of applying it', async () => {
    const out = await run(createVmAction(options()), {
      ...vmInput('git-1'),
      gitops: { path: 'vms/git-1.yaml' },
    });
    expect(out.manifestPath).toBe('vms/git-1.yaml');
    const text = fs.readFileSync(path.join(workspace, 'vms/git-1.yaml'), 'utf8');
    // Read as YAML 1.1, as kubectl and GitOps controllers do: powerState must stay the string "On".
    expect(parse(text, { version: '1.1' })).toMatchObject({
      kind: 'VirtualMachine',
      metadata: { name: 'git-1', namespace: ns },
      spec: { powerState: 'On' },
    });
    expect(await getVm('git-1')).toBeUndefined();
    await expect(
      run(createVmAction(options()), { ...vmInput('git-2'), gitops: { path: '../escape.yaml' } }),
    ).rejects.toThrow(/gitops.path/);
  });

  it('is refused without virtrigaud.vm.create', async () => {
    denied.add('virtrigaud.vm.create');
    await expect(run(createVmAction(options()), vmInput('nope-1'))).rejects.toThrow(
      /virtrigaud.vm.create/,
    );
    expect(await getVm('nope-1')).toBeUndefined();
  });
});

describe('virtrigaud:provider:create', () => {
  it('stores credentials in a Secret and keeps them out of the outputs', async () => {
    const out = await run(createProviderAction(options()), {
      cluster: 'local',
      namespace: ns,
      name: 'vc',
      type: 'vsphere',
      endpoint: 'https://vcenter.example:443',
      credentials: { username: 'admin', password: 's3cret-value' },
    });
    expect(JSON.stringify(out)).not.toContain('s3cret-value');
    expect(out).toMatchObject({
      secretName: 'vc-credentials',
      entityRef: `resource:default/local.${ns}.vc`,
    });
    const provider = await cluster.client.get<Provider>(Resources.Provider, ns, 'vc');
    expect(provider!.spec.credentialSecretRef).toEqual({ name: 'vc-credentials' });
    const secret = await cluster.client.get<{ data: Record<string, string> } & Provider>(
      KubeResources.Secret,
      ns,
      'vc-credentials',
    );
    expect(Buffer.from(secret!.data.password, 'base64').toString()).toBe('s3cret-value');
  });

  it('does not let a template choose the image the provider pod runs', async () => {
    await run(createProviderAction(options()), {
      cluster: 'local',
      namespace: ns,
      name: 'imgless',
      type: 'mock',
      endpoint: 'mock://lab',
      image: 'docker.io/evil/miner:latest',
    });
    const provider = await cluster.client.get<Provider>(Resources.Provider, ns, 'imgless');
    expect(provider!.spec.runtime?.image).toBeUndefined();
  });

  it('verifies the hypervisor with the CA, fingerprint or known_hosts it is given', async () => {
    const fingerprint = Array.from({ length: 32 }, () => 'AB').join(':');
    await run(createProviderAction(options()), {
      cluster: 'local',
      namespace: ns,
      name: 'pinned',
      type: 'vsphere',
      endpoint: 'https://vcenter.example:443',
      credentials: { username: 'admin', password: 'pw' },
      caBundle: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
      fingerprint,
    });
    const provider = await cluster.client.get<Provider>(Resources.Provider, ns, 'pinned');
    expect(provider!.spec.endpointTLS).toMatchObject({ caSecretKey: 'ca.crt', fingerprint });
    const secret = await cluster.client.get<{ data: Record<string, string> } & Provider>(
      KubeResources.Secret,
      ns,
      'pinned-credentials',
    );
    expect(Buffer.from(secret!.data['ca.crt'], 'base64').toString()).toContain('BEGIN CERTIFICATE');

    await run(createProviderAction(options()), {
      cluster: 'local',
      namespace: ns,
      name: 'kvm',
      type: 'libvirt',
      endpoint: 'qemu+ssh://admin@kvm.example/system',
      credentials: { 'ssh-privatekey': 'key' },
      knownHosts: 'kvm.example ssh-ed25519 AAAAC3Nza',
    });
    const kvm = await cluster.client.get<{ data: Record<string, string> } & Provider>(
      KubeResources.Secret,
      ns,
      'kvm-credentials',
    );
    expect(Buffer.from(kvm!.data.known_hosts, 'base64').toString()).toBe(
      'kvm.example ssh-ed25519 AAAAC3Nza',
    );
  });

  it('dry-run returns the CRD validation error naming the field, and writes nothing', async () => {
    const bad = run(
      createProviderAction(options()),
      {
        cluster: 'local',
        namespace: ns,
        name: 'bad',
        type: 'vsphere',
        endpoint: 'qemu:///system',
        credentials: { username: 'u' },
      },
      { isDryRun: true },
    );
    await expect(bad).rejects.toThrow(/spec\.endpoint.*http\(s\) URL/);
    expect(await cluster.client.get(KubeResources.Secret, ns, 'bad-credentials')).toBeUndefined();
  });
});

describe('virtrigaud:vm:power and virtrigaud:vm:delete', () => {
  it('sets spec.powerState', async () => {
    const out = await run(powerVmAction(options()), {
      cluster: 'local',
      namespace: ns,
      name: 'web-1',
      action: 'shutdown',
    });
    expect(out.powerState).toBe('OffGraceful');
    expect((await getVm('web-1'))!.spec.powerState).toBe('OffGraceful');
  });

  it('reboot writes a new reboot request and leaves spec.powerState alone', async () => {
    const input = { cluster: 'local', namespace: ns, name: 'web-1', action: 'reboot' };
    const dry = await run(powerVmAction(options()), input, { isDryRun: true });
    expect(dry.rebootRequestedAt).toBeDefined();
    expect((await getVm('web-1'))!.metadata.annotations).not.toHaveProperty([
      REBOOT_REQUESTED_ANNOTATION,
    ]);
    const out = await run(powerVmAction(options()), input);
    expect(out.powerState).toBeUndefined();
    expect(Date.parse(out.rebootRequestedAt)).toBeLessThanOrEqual(Date.now());
    const vm = (await getVm('web-1'))!;
    expect(vm.metadata.annotations![REBOOT_REQUESTED_ANNOTATION]).toBe(out.rebootRequestedAt);
    expect(vm.spec.powerState).toBe('OffGraceful');
  });

  it('is refused without virtrigaud.vm.power', async () => {
    denied.add('virtrigaud.vm.power');
    const before = (await getVm('web-1'))!.metadata.annotations;
    for (const action of ['on', 'reboot']) {
      await expect(
        run(powerVmAction(options()), { cluster: 'local', namespace: ns, name: 'web-1', action }),
      ).rejects.toThrow(/virtrigaud.vm.power/);
    }
    const vm = (await getVm('web-1'))!;
    expect(vm.spec.powerState).toBe('OffGraceful');
    expect(vm.metadata.annotations).toEqual(before);
  });

  it('deletes, and a re-run of an already deleted VM succeeds', async () => {
    const input = { cluster: 'local', namespace: ns, name: 'web-1' };
    expect(await run(deleteVmAction(options()), input, { isDryRun: true })).toEqual({
      deleted: true,
    });
    expect(await getVm('web-1')).toBeDefined();
    expect(await run(deleteVmAction(options()), input)).toEqual({ deleted: true });
    expect(await getVm('web-1')).toBeUndefined();
    expect(await run(deleteVmAction(options()), input)).toEqual({ deleted: false });
  });
});

import { testing } from '@virtrigaud/provider-sdk';
import { createInput, newOwner, settle, succeed } from '../testing/backend';
import { backendConfig, callContext, directClient, terminateSessions } from '../testing/vcsim';
import { readTask } from '../vim25/tasks';
import type { Vim25Client } from '../vim25/client';
import { InventoryViews, retrieveOne } from '../vim25/properties';
import { moref, text } from '../vim25/xml';
import { readExtraConfig } from './extra-config';
import { VSphereBackend } from './vsphere-backend';

const { providerErrorOf } = testing;

const ctx = () => callContext();
let backend: VSphereBackend;
let direct: Vim25Client;
let views: InventoryViews;

beforeAll(() => {
  backend = new VSphereBackend(backendConfig());
  direct = directClient();
  views = new InventoryViews(direct);
});

afterAll(async () => {
  await backend.close();
  await direct.close();
});

async function vmsNamed(name: string) {
  const all = await views.retrieveAll('VirtualMachine', ['name', 'config.extraConfig']);
  return all.filter((vm) => text(vm.props.get('name')) === name);
}

async function extraConfigOf(name: string) {
  const [vm] = await vmsNamed(name);
  return readExtraConfig(vm!.props.get('config.extraConfig'));
}

describe('create', () => {
  it('creates a VM from scratch, stamped with its owner, described with a vSphere Client link', async () => {
    const owner = newOwner();
    const input = createInput(owner, {
      class: { cpu: 2, memory: '1Gi', diskDefaults: { sizeGiB: 8 } },
      disks: [{ name: 'data', sizeGiB: 4 }],
      networks: [{ name: 'eth0', attachment: { vsphere: { portgroup: 'VM Network' } } }],
      tags: ['team=a'],
    });
    // vcsim finishes CreateVM_Task at once: the answer needs no task (and no TaskStatus).
    const created = await backend.create(ctx(), input);
    expect(created).toEqual({ id: owner.uid });

    const description = await backend.describe(ctx(), created.id);
    expect(description?.powerState).toBe('Off');
    const content = await direct.serviceContent();
    expect(description?.consoleUrl).toMatch(
      new RegExp(
        `^https://127\\.0\\.0\\.1:\\d+/ui/app/vm;nav=h/urn:vmomi:VirtualMachine:vm-\\d+:${content.about.instanceUuid}/summary$`,
      ),
    );
    const extra = await extraConfigOf(input.name);
    expect(extra.get('virtrigaud.owner.uid')).toBe(owner.uid);
    expect(extra.get('virtrigaud.tags')).toBe('team=a');

    const listed = (await backend.listVMs(ctx())).find((vm) => vm.id === created.id);
    expect(listed).toMatchObject({ name: input.name, cpu: 2, memoryMiB: 1024, powerState: 'Off' });
    expect(listed?.disks.map((d) => d.sizeGiB).sort()).toEqual([4, 8]);
    expect(listed?.networks).toHaveLength(1);
  });

  it('returns the existing VM when the same owner creates again, also from a restarted provider', async () => {
    const owner = newOwner();
    const input = createInput(owner);
    const first = await backend.create(ctx(), input);
    const restarted = new VSphereBackend(backendConfig());
    try {
      await settle(backend, first);
      const retried = await restarted.create(ctx(), input);
      expect(retried).toEqual({ id: first.id });
      expect(await vmsNamed(input.name)).toHaveLength(1);
    } finally {
      await restarted.close();
    }
  });

  it('rejects a VM name that another owner already uses', async () => {
    const input = createInput(newOwner());
    await succeed(backend, backend.create(ctx(), input));
    const intruder = createInput(newOwner(), { name: input.name });
    expect((await providerErrorOf(backend.create(ctx(), intruder))).code).toBe('ALREADY_EXISTS');
    expect(await vmsNamed(input.name)).toHaveLength(1);
  });

  it('clones a template with NICs on standard and distributed port groups and cloud-init', async () => {
    const owner = newOwner();
    const input = createInput(owner, {
      image: { source: { vsphere: { templateName: 'DC0_H0_VM0' } } },
      networks: [
        { name: 'eth0', attachment: { vsphere: { portgroup: 'VM Network' }, model: 'vmxnet3' } },
        { name: 'eth1', attachment: { vsphere: { portgroup: 'DC0_DVPG0' } } },
      ],
      userData: Buffer.from('#cloud-config\nhostname: <&"quoted">\n'),
      metaData: Buffer.from('instance-id: x\n'),
    });
    await succeed(backend, backend.create(ctx(), input));
    const extra = await extraConfigOf(input.name);
    expect(Buffer.from(extra.get('guestinfo.userdata')!, 'base64').toString()).toBe(
      '#cloud-config\nhostname: <&"quoted">\n',
    );
    expect(extra.get('guestinfo.userdata.encoding')).toBe('base64');
    expect(extra.get('guestinfo.metadata.encoding')).toBe('base64');
    const listed = (await backend.listVMs(ctx())).find((vm) => vm.id === owner.uid);
    expect(listed?.networks).toHaveLength(2);
  });

  it('names the offending field for bad input', async () => {
    const owner = newOwner();
    const badMemory = createInput(owner, { class: { cpu: 1, memory: '12Q' } });
    expect((await providerErrorOf(backend.create(ctx(), badMemory))).message).toContain(
      'class_json.memory',
    );
    const badStore = createInput(owner, { placement: { datastore: 'NoSuchDS' } });
    const err = await providerErrorOf(backend.create(ctx(), badStore));
    expect(err.code).toBe('INVALID_ARGUMENT');
    expect(err.message).toContain('placement_json.datastore');
    const noPortgroup = createInput(owner, { networks: [{ name: 'eth0', attachment: {} }] });
    expect((await providerErrorOf(backend.create(ctx(), noPortgroup))).message).toContain(
      'networks_json[0].vsphere.portgroup',
    );
  });
});

describe('lifecycle of one VM', () => {
  const owner = newOwner();
  let id: string;

  beforeAll(async () => {
    const input = createInput(owner, { class: { cpu: 1, memory: '512Mi', memoryHotAdd: true } });
    id = (await succeed(backend, backend.create(ctx(), input))).id;
  });

  it('powers on, skips a repeated power-on, resets, shuts down gracefully', async () => {
    // Finished within the answer bound: no task.
    expect(await backend.power(ctx(), id, 'on', 0)).toEqual({});
    // vCenter fails a second power-on with InvalidPowerState; for the operator it is simply done.
    expect(await backend.power(ctx(), id, 'on', 0)).toEqual({});
    expect((await backend.describe(ctx(), id))?.powerState).toBe('On');
    await succeed(backend, backend.power(ctx(), id, 'reboot', 0));
    await succeed(backend, backend.power(ctx(), id, 'shutdownGraceful', 30));
    expect((await backend.describe(ctx(), id))?.powerState).toBe('Off');
    const err = await providerErrorOf(backend.power(ctx(), id, 'reboot', 0));
    expect(err.code).toBe('FAILED_PRECONDITION');
  });

  it('reconfigures memory online only with hot-add, CPU offline, and grows disks', async () => {
    await succeed(backend, backend.power(ctx(), id, 'on', 0));
    const more = { class: { cpu: 1, memory: '1Gi', memoryHotAdd: true }, disks: [] };
    await succeed(backend, backend.reconfigure(ctx(), id, more));
    const moreCpu = { ...more, class: { ...more.class, cpu: 2 } };
    expect((await providerErrorOf(backend.reconfigure(ctx(), id, moreCpu))).code).toBe(
      'FAILED_PRECONDITION',
    );
    await succeed(backend, backend.power(ctx(), id, 'off', 0));
    const grown = {
      class: { ...moreCpu.class, diskDefaults: { sizeGiB: 30 } },
      disks: [{ name: 'logs', sizeGiB: 2 }],
    };
    await succeed(backend, backend.reconfigure(ctx(), id, grown));
    expect(await backend.reconfigure(ctx(), id, grown)).toEqual({});
    const vm = (await backend.listVMs(ctx())).find((v) => v.id === id)!;
    expect(vm).toMatchObject({ cpu: 2, memoryMiB: 1024 });
    expect(vm.disks.map((d) => d.sizeGiB).sort((a, b) => a - b)).toEqual([2, 30]);
    const shrink = { ...grown, disks: [{ name: 'logs', sizeGiB: 1 }] };
    expect((await providerErrorOf(backend.reconfigure(ctx(), id, shrink))).message).toContain(
      'desired_json.disks[0].sizeGiB',
    );
  });

  it('takes, reverts to and deletes snapshots, idempotently', async () => {
    const snap = { vmId: id, nameHint: 'before-upgrade', includeMemory: true, description: 'x' };
    const created = await succeed(backend, backend.snapshotCreate(ctx(), snap));
    expect(created.snapshotId).toBe('before-upgrade');
    expect(await backend.snapshotCreate(ctx(), snap)).toEqual({ snapshotId: 'before-upgrade' });
    await succeed(backend, backend.snapshotRevert(ctx(), id, 'before-upgrade'));
    const missing = await providerErrorOf(backend.snapshotRevert(ctx(), id, 'nope'));
    expect(missing.code).toBe('NOT_FOUND');
    await succeed(backend, backend.snapshotDelete(ctx(), id, 'before-upgrade'));
    expect(await backend.snapshotDelete(ctx(), id, 'before-upgrade')).toEqual({});
  });

  it('makes full and linked clones, the linked one from a snapshot', async () => {
    const full = newOwner();
    const fullClone = await succeed(backend, backend.clone(ctx(), testing.cloneInput(id, full)));
    expect(fullClone.targetVmId).toBe(full.uid);
    const linked = newOwner();
    const input = testing.cloneInput(id, linked, { linked: true });
    expect((await providerErrorOf(backend.clone(ctx(), input))).code).toBe('FAILED_PRECONDITION');
    await succeed(
      backend,
      backend.snapshotCreate(ctx(), {
        vmId: id,
        nameHint: 'base',
        includeMemory: false,
        description: '',
      }),
    );
    await succeed(backend, backend.clone(ctx(), input));
    expect(await backend.clone(ctx(), input)).toEqual({ targetVmId: linked.uid });
    expect((await backend.describe(ctx(), linked.uid))?.powerState).toBe('Off');
  });

  it('upgrades virtual hardware once', async () => {
    const vm = await retrieveOne(direct, (await vmsNamed(`tests.${owner.name}`))[0]!.obj, [
      'config.version',
    ]);
    const current = Number(text(vm.props.get('config.version'))!.replace('vmx-', ''));
    const upgrade = await backend.hardwareUpgrade(ctx(), id, current + 1);
    expect(upgrade.task).toBeDefined();
    await settle(backend, upgrade);
    expect(await backend.hardwareUpgrade(ctx(), id, current - 1)).toEqual({});
  });

  it('deletes a running VM and treats a second delete as done', async () => {
    await succeed(backend, backend.power(ctx(), id, 'on', 0));
    await succeed(backend, backend.delete(ctx(), id, owner));
    expect(await backend.describe(ctx(), id)).toBeUndefined();
    expect(await backend.delete(ctx(), id, owner)).toEqual({});
  });
});

describe('tasks and sessions', () => {
  it('reports a task that failed in vCenter with vCenter’s message', async () => {
    const input = createInput(newOwner());
    await succeed(backend, backend.create(ctx(), input));
    const [vm] = await vmsNamed(input.name);
    // vCenter validates the guest OS id inside ReconfigVM_Task: the task starts, then fails.
    const task = moref(
      await direct.invoke('ReconfigVM_Task', vm!.obj, { spec: { guestId: 'noSuchGuest' } }),
    )!;
    const status = await backend.taskStatus(ctx(), task.value);
    const vcenter = await readTask(direct, task);
    expect(vcenter).toMatchObject({ state: 'error', errorType: 'InvalidArgument' });
    expect(status).toEqual({ done: true, error: vcenter.error });
  });

  it('reports a task vCenter no longer knows as NOT_FOUND', async () => {
    const err = await providerErrorOf(backend.taskStatus(ctx(), 'task-999999'));
    expect(err.code).toBe('NOT_FOUND');
  });

  it('keeps working when vCenter expires its session mid-operation', async () => {
    const fresh = new VSphereBackend(backendConfig({ name: 'session-expiry-test' }));
    try {
      const owner = newOwner();
      const created = await fresh.create(ctx(), createInput(owner));
      expect(await terminateSessions(direct, 'session-expiry-test')).toBe(1);
      expect(await settle(fresh, created)).toBeUndefined();
      await expect(fresh.describe(ctx(), owner.uid)).resolves.toMatchObject({ powerState: 'Off' });
      await succeed(fresh, fresh.power(ctx(), owner.uid, 'on', 0));
    } finally {
      await fresh.close();
    }
  });
});

// The backend against the simulated cluster: every operation through the real client over HTTPS,
// with every request checked against the Proxmox API schema by the simulator.
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { Writable } from 'node:stream';
import pino from 'pino';
import {
  ProviderError,
  testing,
  type CreateInput,
  type Operation,
  type Owner,
} from '@virtrigaud/provider-sdk';
import { eventually } from '@virtrigaud/testing';
import {
  callContext,
  CLOUD_IMAGE,
  CLOUD_IMAGE_GIB,
  INSTALLER_ISO,
  startSimulatedCluster,
  TEMPLATE_NAME,
  TEMPLATE_VMID,
  type SimulatedCluster,
} from '../testing/fixture';
import { waitForTask } from '../client/tasks';
import { ProxmoxBackend } from './proxmox-backend';

let cluster: SimulatedCluster;
let backend: ProxmoxBackend;
const logLines: string[] = [];
const debugLog = pino(
  { level: 'debug' },
  new Writable({
    write(chunk, _encoding, done) {
      logLines.push(String(chunk));
      done();
    },
  }),
);
/** A call context whose logger records every line (to check correlation ids and secrets). */
const ctx = () => callContext(30_000, debugLog);

beforeAll(async () => {
  cluster = await startSimulatedCluster({ taskDelayMs: 5 });
  backend = new ProxmoxBackend(cluster.backendConfig({ log: debugLog }));
});

afterAll(async () => {
  await backend.close();
  await cluster.stop();
});

function newOwner(): Owner {
  const uid = randomUUID();
  return { uid, namespace: 'tests', name: `vm-${uid.slice(0, 8)}` };
}

function createInput(owner: Owner, overrides: Partial<CreateInput> = {}): CreateInput {
  return {
    name: `tests.${owner.name}`,
    owner,
    class: { cpu: 2, memory: '1Gi' },
    image: { source: { proxmox: { templateID: TEMPLATE_VMID } } },
    networks: [],
    disks: [],
    placement: {},
    tags: ['team-a'],
    ...overrides,
  };
}

const { settle, succeed: succeedOn } = testing.taskWaiter({
  callContext: ctx,
  deadlineMs: 10_000,
  pollMs: 5,
});
const { providerErrorOf } = testing;
const succeed = <T extends Operation>(operation: Promise<T>) => succeedOn(backend, operation);

const vmOf = (id: string) => cluster.sim.cluster.vms.get(Number(id))!;
const vmsNamed = (name: string) =>
  [...cluster.sim.cluster.vms.values()].filter((vm) => vm.config.name === name);

/** Create, retrying UNAVAILABLE with a deadline like the operator's requeue. */
async function createRetrying(input: CreateInput) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      return await backend.create(ctx(), input);
    } catch (err) {
      if (!(err instanceof ProviderError && err.code === 'UNAVAILABLE') || Date.now() > deadline)
        throw err;
      await delay(5);
    }
  }
}

describe('Create', () => {
  it('clones the template and applies class, networks, cloud-init, disks, owner and tags', async () => {
    const owner = newOwner();
    const created = await backend.create(
      ctx(),
      createInput(owner, {
        class: { cpu: 2, memory: '2Gi', diskDefaults: { sizeGiB: 10 }, memoryHotAdd: true },
        networks: [
          {
            name: 'eth0',
            attachment: {
              proxmox: { bridge: 'vmbr1', vlanTag: 42, firewall: true },
              ipAllocation: {
                type: 'Static',
                address: '10.1.0.10/24',
                gateway: '10.1.0.1',
                dns: ['10.1.0.2'],
              },
            },
          },
          {
            name: 'eth1',
            macAddress: 'bc:24:11:aa:bb:cc',
            attachment: { model: 'e1000', proxmox: { bridge: 'vmbr0' } },
          },
        ],
        disks: [{ name: 'data', sizeGiB: 20 }],
        userData: Buffer.from(
          '#cloud-config\nuser: ubuntu\nssh_authorized_keys:\n  - ssh-ed25519 AAAAC3Nz test@example\n',
        ),
      }),
    );
    await settle(backend, created);
    const config = vmOf(created.id).config;
    expect(config).toMatchObject({
      name: `tests.${owner.name}`,
      cores: '2',
      memory: '2048',
      hotplug: 'network,disk,usb,memory',
      numa: '1',
      ipconfig0: 'ip=10.1.0.10/24,gw=10.1.0.1',
      nameserver: '10.1.0.2',
      ciuser: 'ubuntu',
      sshkeys: encodeURIComponent('ssh-ed25519 AAAAC3Nz test@example'),
    });
    expect(config.net0).toMatch(/^virtio=[0-9A-F:]{17},bridge=vmbr1,tag=42,firewall=1$/);
    expect(config.net1).toBe('e1000=BC:24:11:AA:BB:CC,bridge=vmbr0');
    expect(config.scsi0).toMatch(/size=10G/);
    expect(config.scsi1).toMatch(/^local-lvm:vm-\d+-disk-\d+,size=20G$/);
    expect(config.ide2).toMatch(/cloudinit/);
    expect(config.description).toContain(`virtrigaud.owner.uid: ${owner.uid}`);
    expect(config.description).not.toContain('pending');
    expect(config.tags).toBe(`virtrigaud;virtrigaud-owner-${owner.uid};team-a`);
    expect(config.template).toBeUndefined();
  });

  it('finds templates by name', async () => {
    const created = await backend.create(
      ctx(),
      createInput(newOwner(), { image: { source: { proxmox: { templateName: TEMPLATE_NAME } } } }),
    );
    expect(vmOf(created.id)).toBeDefined();
  });

  it('is idempotent by owner uid and refuses the name for another owner', async () => {
    const owner = newOwner();
    const first = await backend.create(ctx(), createInput(owner));
    const again = await backend.create(ctx(), createInput(owner));
    expect(again.id).toBe(first.id);
    const named = [...cluster.sim.cluster.vms.values()].filter(
      (vm) => vm.config.name === `tests.${owner.name}`,
    );
    expect(named).toHaveLength(1);
    const err = await providerErrorOf(
      backend.create(ctx(), createInput({ ...newOwner(), name: owner.name })),
    );
    expect(err.code).toBe('ALREADY_EXISTS');
    expect(err.message).toMatch(/^name: /);
  });

  it('finishes the setup of a VM whose Create was interrupted after the clone', async () => {
    const owner = newOwner();
    // What a crash right after the clone leaves: the owner stamped (by the clone call), setup pending.
    const vmid = cluster.sim.cluster.nextId();
    const upid = await backend.client.post<string>(
      `/nodes/pve1/qemu/${TEMPLATE_VMID}/clone`,
      {
        newid: vmid,
        name: `tests.${owner.name}`,
        description: `virtrigaud.owner.uid: ${owner.uid}\nvirtrigaud.provisioning: pending`,
      },
      ctx(),
    );
    await waitForTask(backend.client, upid, ctx());
    const created = await backend.create(
      ctx(),
      createInput(owner, { class: { cpu: 3, memory: '512Mi' } }),
    );
    expect(created.id).toBe(String(vmid));
    expect(vmOf(created.id).config).toMatchObject({ cores: '3', memory: '512' });
    expect(vmOf(created.id).config.description).not.toContain('pending');
  });

  it('gives concurrent creates one VM each (callers retry UNAVAILABLE, as the operator does)', async () => {
    const owners = Array.from({ length: 6 }, newOwner);
    const results = await Promise.all(owners.map((owner) => createRetrying(createInput(owner))));
    expect(new Set(results.map((r) => r.id)).size).toBe(6);
    for (const owner of owners) expect(vmsNamed(`tests.${owner.name}`)).toHaveLength(1);
  });

  it('a Create retried while its clone still copies disks does not clone twice', async () => {
    const owner = newOwner();
    cluster.sim.taskDelayMs = 300;
    try {
      const first = backend.create(ctx(), createInput(owner));
      await eventually(
        'a VM locked by its clone task',
        () => [...cluster.sim.cluster.vms.values()].some((vm) => vm.config.lock === 'clone'),
        { timeoutMs: 5_000, intervalMs: 2 },
      );
      const retried = await providerErrorOf(backend.create(ctx(), createInput(owner)));
      expect(retried).toMatchObject({
        code: 'UNAVAILABLE',
        message: expect.stringMatching(/retry/),
      });
      const { id } = await first;
      expect((await backend.create(ctx(), createInput(owner))).id).toBe(id);
      expect(vmsNamed(`tests.${owner.name}`)).toHaveLength(1);
    } finally {
      cluster.sim.taskDelayMs = 5;
    }
  });

  it('attaches the Provider-wide cicustom snippets with a cloud-init drive', async () => {
    const options = {
      defaults: { node: 'pve1', storage: 'local-lvm' },
      proxmox: { cicustom: 'vendor=local-lvm:snippets/vendor.yaml' },
    };
    const withSnippets = new ProxmoxBackend(
      cluster.backendConfig({ options: { ...cluster.backendConfig().options, ...options } }),
    );
    try {
      const owner = newOwner();
      const { id } = await withSnippets.create(ctx(), createInput(owner));
      expect(vmOf(id).config).toMatchObject({
        cicustom: 'vendor=local-lvm:snippets/vendor.yaml',
        ide2: expect.stringMatching(/cloudinit/),
      });
    } finally {
      await withSnippets.close();
    }
    expect(
      () =>
        new ProxmoxBackend(
          cluster.backendConfig({ options: { proxmox: { cicustom: 'user=/etc/passwd' } } }),
        ),
    ).toThrow(/^proxmox.cicustom: /);
  });

  it('names the field of bad input', async () => {
    const owner = newOwner();
    const noSource = await providerErrorOf(
      backend.create(ctx(), createInput(owner, { image: { source: {} } })),
    );
    expect(noSource).toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringMatching(/^image_json.source.proxmox/),
    });
    const missing = await providerErrorOf(
      backend.create(
        ctx(),
        createInput(owner, { image: { source: { proxmox: { templateID: 4242 } } } }),
      ),
    );
    expect(missing).toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringMatching(/templateID/),
    });
    const userData = await providerErrorOf(
      backend.create(
        ctx(),
        createInput(owner, { userData: Buffer.from('#cloud-config\nruncmd: [reboot]\n') }),
      ),
    );
    expect(userData).toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringMatching(/^user_data: keys runcmd/),
    });
    const nic = await providerErrorOf(
      backend.create(ctx(), createInput(owner, { networks: [{ name: 'eth0', attachment: {} }] })),
    );
    expect(nic.message).toMatch(/^networks_json\[0\]\.proxmox\.bridge/);
  });
});

describe('Create from a cloud image or an installer ISO (POST /nodes/{node}/qemu)', () => {
  const fromImage = { source: { proxmox: { importFrom: CLOUD_IMAGE } } };
  const fromIso = { source: { proxmox: { iso: INSTALLER_ISO } } };
  const dhcp = {
    name: 'eth0',
    attachment: { proxmox: { bridge: 'vmbr0' }, ipAllocation: { type: 'DHCP' as const } },
  };
  const requestsSince = (seen: number) =>
    cluster.sim.requests.slice(seen).map((r) => `${r.method} ${r.template} ${r.status}`);

  it('imports the cloud image as the root disk, grown to the class size, with everything in one create call', async () => {
    const owner = newOwner();
    const seen = cluster.sim.requests.length;
    const { id } = await backend.create(
      ctx(),
      createInput(owner, {
        image: fromImage,
        class: { cpu: 2, memory: '2Gi', diskDefaults: { sizeGiB: 12 } },
        networks: [dhcp],
        disks: [{ name: 'data', sizeGiB: 5 }],
        userData: Buffer.from(
          '#cloud-config\nuser: ubuntu\nssh_authorized_keys:\n  - ssh-ed25519 AAAAC3Nz test@example\n',
        ),
      }),
    );
    const config = vmOf(id).config;
    expect(config).toMatchObject({
      name: `tests.${owner.name}`,
      cores: '2',
      memory: '2048',
      scsihw: 'virtio-scsi-single',
      agent: '1',
      ostype: 'l26',
      boot: 'order=scsi0',
      scsi0: expect.stringMatching(new RegExp(`^local-lvm:vm-${id}-disk-\\d+,size=12G$`)),
      scsi1: expect.stringMatching(/^local-lvm:vm-\d+-disk-\d+,size=5G$/),
      ide2: `local-lvm:vm-${id}-cloudinit,media=cdrom`,
      ipconfig0: 'ip=dhcp',
      ciuser: 'ubuntu',
      sshkeys: encodeURIComponent('ssh-ed25519 AAAAC3Nz test@example'),
      tags: `virtrigaud;virtrigaud-owner-${owner.uid};team-a`,
    });
    expect(config.net0).toMatch(/^virtio=[0-9A-F:]{17},bridge=vmbr0$/);
    expect(config.description).toContain(`virtrigaud.owner.uid: ${owner.uid}`);
    expect(config.description).not.toContain('pending');
    // No clone and no template involved; the imported disk (3.5 GiB) grown once, then unmarked.
    const calls = requestsSince(seen).filter((call) => !call.includes('/tasks/'));
    expect(calls).toEqual([
      'GET /cluster/resources 200',
      'GET /cluster/nextid 200',
      'POST /nodes/{node}/qemu 200',
      'GET /nodes/{node}/qemu/{vmid}/config 200',
      'PUT /nodes/{node}/qemu/{vmid}/resize 200',
      'PUT /nodes/{node}/qemu/{vmid}/config 200',
    ]);
  });

  it('keeps the imported disk as it is when the class asks for no bigger one', async () => {
    const { id } = await backend.create(ctx(), createInput(newOwner(), { image: fromImage }));
    expect(vmOf(id).config.scsi0).toMatch(new RegExp(`size=${CLOUD_IMAGE_GIB}G$`));
    expect(vmOf(id).config.description).not.toContain('pending');
  });

  it('installs from an ISO: blank root disk of the class size, ISO in the CD drive, disk first in the boot order', async () => {
    const owner = newOwner();
    const { id } = await backend.create(
      ctx(),
      createInput(owner, {
        image: { ...fromIso, osType: 'windows' },
        class: {
          cpu: 4,
          memory: '8Gi',
          firmware: 'UEFI',
          secureBoot: true,
          diskDefaults: { sizeGiB: 64 },
        },
        networks: [{ name: 'eth0', attachment: { proxmox: { bridge: 'vmbr0' } } }],
      }),
    );
    const config = vmOf(id).config;
    expect(config).toMatchObject({
      scsi0: expect.stringMatching(/^local-lvm:vm-\d+-disk-\d+,size=64G$/),
      ide2: `${INSTALLER_ISO},media=cdrom`,
      boot: 'order=scsi0;ide2',
      bios: 'ovmf',
      ostype: 'win11',
      efidisk0: expect.stringMatching(
        /^local-lvm:vm-\d+-disk-\d+,.*efitype=4m,pre-enrolled-keys=1/,
      ),
    });
    // A DHCP NIC needs cloud-init's ipconfig0, so the cloud-init drive moves to ide0.
    expect(config.ide0).toBe(`local-lvm:vm-${id}-cloudinit,media=cdrom`);
    expect(config.description).not.toContain('pending');
  });

  it('installs from an ISO without a cloud-init drive when nothing uses cloud-init; the class default size', async () => {
    const { id } = await backend.create(ctx(), createInput(newOwner(), { image: fromIso }));
    const config = vmOf(id).config;
    expect(config.scsi0).toMatch(/size=20G$/);
    expect(Object.values(config).filter((value) => value.includes('cloudinit'))).toEqual([]);
  });

  it('is idempotent by owner uid: a retry returns the VM, finishing a setup a crash interrupted', async () => {
    const owner = newOwner();
    const first = await backend.create(ctx(), createInput(owner, { image: fromImage }));
    expect((await backend.create(ctx(), createInput(owner, { image: fromImage }))).id).toBe(
      first.id,
    );
    expect(vmsNamed(`tests.${owner.name}`)).toHaveLength(1);

    // What a crash right after the create task leaves: stamped (by the create call), setup pending.
    const crashed = newOwner();
    const vmid = cluster.sim.cluster.nextId();
    const upid = await backend.client.post<string>(
      '/nodes/pve1/qemu',
      {
        vmid,
        name: `tests.${crashed.name}`,
        description: `virtrigaud.owner.uid: ${crashed.uid}\nvirtrigaud.provisioning: pending`,
        scsi0: `local-lvm:0,import-from=${CLOUD_IMAGE}`,
      },
      ctx(),
    );
    await waitForTask(backend.client, upid, ctx());
    const resumed = await backend.create(
      ctx(),
      createInput(crashed, {
        image: fromImage,
        class: { cpu: 1, memory: '1Gi', diskDefaults: { sizeGiB: 9 } },
      }),
    );
    expect(resumed.id).toBe(String(vmid));
    expect(vmOf(resumed.id).config.scsi0).toMatch(/size=9G$/);
    expect(vmOf(resumed.id).config.description).not.toContain('pending');
  });

  it('a Create retried while Proxmox still imports the image (nameless placeholder) does not create twice', async () => {
    const owner = newOwner();
    cluster.sim.taskDelayMs = 300;
    try {
      const first = backend.create(ctx(), createInput(owner, { image: fromImage }));
      await eventually(
        'a VM locked by its create task',
        () => [...cluster.sim.cluster.vms.values()].some((vm) => vm.config.lock === 'create'),
        { timeoutMs: 5_000, intervalMs: 2 },
      );
      const retried = await providerErrorOf(
        backend.create(ctx(), createInput(owner, { image: fromImage })),
      );
      expect(retried).toMatchObject({
        code: 'UNAVAILABLE',
        message: expect.stringMatching(/retry/),
      });
      const { id } = await first;
      expect((await backend.create(ctx(), createInput(owner, { image: fromImage }))).id).toBe(id);
      expect(vmsNamed(`tests.${owner.name}`)).toHaveLength(1);
    } finally {
      cluster.sim.taskDelayMs = 5;
    }
  });

  it('asks for a new VMID when another client took the one /cluster/nextid gave', async () => {
    const owner = newOwner();
    let taken: number | undefined;
    cluster.sim.onAnswer = (request, data) => {
      if (taken !== undefined || request.template !== '/cluster/nextid') return;
      taken = Number(data);
      cluster.sim.cluster.create(taken, 'pve2', { name: 'someone-else' });
    };
    const seen = cluster.sim.requests.length;
    try {
      const { id } = await backend.create(ctx(), createInput(owner, { image: fromIso }));
      expect(taken).toBeDefined();
      expect(id).not.toBe(String(taken));
      expect(vmOf(String(taken)).config).toEqual({ name: 'someone-else' });
      expect(vmOf(id).config.name).toBe(`tests.${owner.name}`);
      expect(requestsSince(seen).slice(0, 5)).toEqual([
        'GET /cluster/resources 200',
        'GET /cluster/nextid 200',
        'POST /nodes/{node}/qemu 500',
        'GET /cluster/nextid 200',
        'POST /nodes/{node}/qemu 200',
      ]);
    } finally {
      cluster.sim.onAnswer = undefined;
    }
  });

  it('names the field of bad input before calling Proxmox', async () => {
    const owner = newOwner();
    const seen = cluster.sim.requests.length;
    const wrongDir = await providerErrorOf(
      backend.create(
        ctx(),
        createInput(owner, { image: { source: { proxmox: { importFrom: INSTALLER_ISO } } } }),
      ),
    );
    expect(wrongDir).toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringMatching(
        /^image_json\.source\.proxmox\.importFrom: must look like <storage>:import\//,
      ),
    });
    const injected = await providerErrorOf(
      backend.create(
        ctx(),
        createInput(owner, {
          image: { source: { proxmox: { iso: `${INSTALLER_ISO},cache=unsafe` } } },
        }),
      ),
    );
    expect(injected.message).toMatch(/^image_json\.source\.proxmox\.iso: /);
    const withoutDefaults = new ProxmoxBackend(
      cluster.backendConfig({ options: { ...cluster.backendConfig().options, defaults: {} } }),
    );
    try {
      const noStorage = await providerErrorOf(
        withoutDefaults.create(ctx(), createInput(owner, { image: fromImage })),
      );
      expect(noStorage).toMatchObject({
        code: 'INVALID_ARGUMENT',
        message: expect.stringMatching(/^placement\.storage: is required/),
      });
      const noNode = await providerErrorOf(
        withoutDefaults.create(
          ctx(),
          createInput(owner, { image: fromIso, placement: { storage: 'local-lvm' } }),
        ),
      );
      expect(noNode.message).toMatch(/^placement\.node: is required/);
    } finally {
      await withoutDefaults.close();
    }
    expect(requestsSince(seen)).toEqual([]);
  });

  it("reports an image or ISO missing on the storage with the task's error, and leaves no VM behind", async () => {
    const owner = newOwner();
    const missingImage = await providerErrorOf(
      backend.create(
        ctx(),
        createInput(owner, {
          image: { source: { proxmox: { importFrom: 'local:import/gone.qcow2' } } },
        }),
      ),
    );
    expect(missingImage).toMatchObject({
      code: 'FAILED_PRECONDITION',
      message: expect.stringMatching(
        /qmcreate .* failed: unable to create VM \d+ - cannot import from 'local:import\/gone\.qcow2' - could not get size of local:import\/gone\.qcow2$/,
      ),
    });
    const missingIso = await providerErrorOf(
      backend.create(
        ctx(),
        createInput(owner, { image: { source: { proxmox: { iso: 'local:iso/gone.iso' } } } }),
      ),
    );
    expect(missingIso.message).toMatch(/volume local:iso\/gone\.iso does not exist$/);
    expect(vmsNamed(`tests.${owner.name}`)).toEqual([]);
  });
});

describe('power, describe, reconfigure', () => {
  let id: string;
  const owner = newOwner();

  beforeAll(async () => {
    id = (await backend.create(ctx(), createInput(owner))).id;
  });

  it('powers on, reboots, stops and shuts down; repeated calls are no-ops', async () => {
    await succeed(backend.power(ctx(), id, 'on', 0));
    expect(await backend.power(ctx(), id, 'on', 0)).toEqual({});
    await succeed(backend.power(ctx(), id, 'reboot', 0));
    expect(vmOf(id).status).toBe('running');
    await succeed(backend.power(ctx(), id, 'shutdownGraceful', 30));
    expect(vmOf(id).status).toBe('stopped');
    expect(await backend.power(ctx(), id, 'off', 0)).toEqual({});
    await succeed(backend.power(ctx(), id, 'reboot', 0));
    expect(vmOf(id).status).toBe('running');
  });

  it('describes power state, guest-agent IPs and the console URL', async () => {
    const description = await backend.describe(ctx(), id, owner);
    expect(description).toMatchObject({
      powerState: 'On',
      ips: [expect.stringMatching(/^10\.0\./)],
      consoleUrl: `${cluster.sim.url}/?console=kvm&novnc=1&vmid=${id}&node=pve1`,
      raw: { vmid: Number(id), node: 'pve1', owner: owner.uid },
    });
    expect(await backend.describe(ctx(), id, newOwner())).toBeUndefined();
    expect(await backend.describe(ctx(), '999999', owner)).toBeUndefined();
  });

  it('lists VMs with their hardware, without templates', async () => {
    const vms = await backend.listVMs(ctx());
    expect(vms.find((vm) => vm.id === id)).toMatchObject({
      name: `tests.${owner.name}`,
      cpu: 2,
      memoryMiB: 1024,
      powerState: 'On',
    });
    expect(vms.some((vm) => vm.id === String(TEMPLATE_VMID))).toBe(false);
  });

  it('reconfigures CPU, memory and disks on a running VM; never shrinks', async () => {
    await backend.reconfigure(ctx(), id, {
      class: { cpu: 4, memory: '4Gi', diskDefaults: { sizeGiB: 16 } },
      disks: [{ name: 'data', sizeGiB: 8 }],
    });
    await backend.reconfigure(ctx(), id, {
      class: { cpu: 4, memory: '4Gi' },
      disks: [{ name: 'data', sizeGiB: 12 }],
    });
    const config = vmOf(id).config;
    expect(config).toMatchObject({ cores: '4', memory: '4096' });
    expect(config.scsi0).toMatch(/size=16G/);
    expect(config.scsi1).toMatch(/size=12G/);
    const shrink = await providerErrorOf(
      backend.reconfigure(ctx(), id, {
        class: { cpu: 4, memory: '4Gi' },
        disks: [{ name: 'data', sizeGiB: 4 }],
      }),
    );
    expect(shrink).toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringMatching(/^desired_json.disks\[0\].sizeGiB: cannot shrink/),
    });
  });

  it('answers NOT_FOUND for a VM that does not exist and INVALID_ARGUMENT for a malformed id', async () => {
    expect((await providerErrorOf(backend.power(ctx(), '999999', 'on', 0))).code).toBe('NOT_FOUND');
    expect((await providerErrorOf(backend.power(ctx(), 'vm-1; rm -rf /', 'on', 0))).code).toBe(
      'INVALID_ARGUMENT',
    );
  });
});

describe('tasks', () => {
  it('a Proxmox task that ends with an error reports its exit status', async () => {
    const { id } = await backend.create(ctx(), createInput(newOwner()));
    const exitstatus = 'start failed: QEMU exited with code 1';
    cluster.sim.tasks.failNext('qmstart', exitstatus);
    const started = await backend.power(ctx(), id, 'on', 0);
    expect(await settle(backend, started)).toBe(exitstatus);
    expect(vmOf(id).status).toBe('stopped');
  });

  it('gives up on a slow Proxmox at the call deadline with DEADLINE_EXCEEDED', async () => {
    cluster.sim.responseDelayMs = 2000;
    try {
      const started = Date.now();
      const err = await providerErrorOf(backend.listVMs(callContext(200, debugLog)));
      expect(err.code).toBe('DEADLINE_EXCEEDED');
      expect(Date.now() - started).toBeLessThan(1500);
    } finally {
      cluster.sim.responseDelayMs = 0;
    }
  });

  it('refuses task ids that are not UPIDs', async () => {
    const err = await providerErrorOf(backend.taskStatus(ctx(), 'not-a-upid'));
    expect(err).toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringMatching(/^task.id/),
    });
  });

  it('answers any task from its UPID alone (a second backend instance, as another replica)', async () => {
    const { id } = await backend.create(ctx(), createInput(newOwner()));
    const started = await backend.power(ctx(), id, 'on', 0);
    const replica = new ProxmoxBackend(cluster.backendConfig());
    try {
      expect(await settle(replica, started)).toBeUndefined();
    } finally {
      await replica.close();
    }
  });
});

describe('snapshots and clones', () => {
  let id: string;

  beforeAll(async () => {
    id = (await backend.create(ctx(), createInput(newOwner()))).id;
    await succeed(backend.power(ctx(), id, 'on', 0));
  });

  it('creates (idempotently, with memory), reverts and deletes (idempotently) snapshots', async () => {
    const input = {
      vmId: id,
      nameHint: 'before upgrade!',
      includeMemory: true,
      description: 'pre',
    };
    const snapshot = await succeed(backend.snapshotCreate(ctx(), input));
    expect(snapshot.snapshotId).toBe('before-upgrade');
    expect(vmOf(id).snapshots.get(snapshot.snapshotId)).toMatchObject({
      vmstate: true,
      description: 'pre',
    });
    expect(await backend.snapshotCreate(ctx(), input)).toEqual({
      snapshotId: snapshot.snapshotId,
    });
    await succeed(backend.snapshotRevert(ctx(), id, snapshot.snapshotId));
    expect(vmOf(id).status).toBe('running');
    const missing = await providerErrorOf(backend.snapshotRevert(ctx(), id, 'nope'));
    expect(missing.code).toBe('NOT_FOUND');
    await succeed(backend.snapshotDelete(ctx(), id, snapshot.snapshotId));
    expect(await backend.snapshotDelete(ctx(), id, snapshot.snapshotId)).toEqual({});
  });

  it('full-clones a running VM, idempotent by target owner', async () => {
    const target = newOwner();
    const input = testing.cloneInput(id, target);
    const clone = await backend.clone(ctx(), input);
    expect(clone.targetVmId).not.toBe(id);
    expect((await backend.clone(ctx(), input)).targetVmId).toBe(clone.targetVmId);
  });

  it('makes linked clones of templates only', async () => {
    const target = newOwner();
    const fromVm = await providerErrorOf(
      backend.clone(
        ctx(),
        testing.cloneInput(id, target, { linked: true, targetName: 'tests.linked-vm' }),
      ),
    );
    expect(fromVm.code).toBe('FAILED_PRECONDITION');
    const linked = await backend.clone(
      ctx(),
      testing.cloneInput(String(TEMPLATE_VMID), target, { linked: true }),
    );
    expect(vmOf(linked.targetVmId).config.scsi0).toMatch(/^local-lvm:vm-/);
  });
});

describe('Delete', () => {
  it('stops a running VM, destroys it with its disks, and succeeds again once it is gone', async () => {
    const owner = newOwner();
    const { id } = await backend.create(ctx(), createInput(owner));
    await succeed(backend.power(ctx(), id, 'on', 0));
    const other = await providerErrorOf(backend.delete(ctx(), id, newOwner()));
    expect(other.code).toBe('FAILED_PRECONDITION');
    await succeed(backend.delete(ctx(), id, owner));
    expect(cluster.sim.cluster.vms.has(Number(id))).toBe(false);
    const destroy = cluster.sim.requests
      .filter((r) => r.template === '/nodes/{node}/qemu/{vmid}' && r.method === 'DELETE')
      .at(-1);
    expect(destroy?.parameterNames.sort()).toEqual(['destroy-unreferenced-disks', 'purge']);
    expect(await backend.delete(ctx(), id, owner)).toEqual({});
  });
});

describe('fidelity and secrets', () => {
  it('every request of this suite passed schema verification (no 400) and hit a modeled endpoint (no 501)', () => {
    const rejected = cluster.sim.requests.filter((r) => r.status === 400 || r.status === 501);
    expect(rejected).toEqual([]);
    expect(cluster.sim.requests.every((r) => r.template)).toBe(true);
  });

  it('logged every Proxmox call with the correlation id, and never the token secret', () => {
    const calls = logLines.filter((line) => line.includes('"proxmox call"'));
    expect(calls.length).toBeGreaterThan(10);
    expect(calls.filter((line) => !line.includes('"correlationId":"test"'))).toEqual([]);
    expect(logLines.join('')).not.toContain(cluster.tokenSecret);
  });
});

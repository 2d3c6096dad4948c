// The backend against a real libvirtd with real QEMU (TCG) domains.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ProviderError, testing } from '@virtrigaud/provider-sdk';
import type { LibvirtBackend } from './libvirt-backend';
import { callContext, settle, startTestRun, succeed, virsh, type TestRun } from './testing/libvirt';

const run = promisify(execFile);
jest.setTimeout(120_000);

let t: TestRun;
let backend: LibvirtBackend;

beforeAll(async () => {
  t = await startTestRun('backend');
  backend = await t.backend();
});
afterAll(() => t?.cleanup());

async function codeOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (err) {
    if (err instanceof ProviderError) return err.code;
    throw err;
  }
  return 'OK';
}

async function isoFile(pool: string, volume: string, file: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'seed-'));
  try {
    await virsh('vol-download', '--pool', pool, volume, join(dir, 'seed.iso'));
    const { stdout } = await run('isoinfo', ['-R', '-i', join(dir, 'seed.iso'), '-x', `/${file}`]);
    return stdout;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('create', () => {
  it('defines one powered-off domain with the owner in its metadata, idempotent by owner uid', async () => {
    const owner = t.owner('idem');
    const input = t.createInput(owner);
    const first = await succeed(backend, backend.create(callContext(), input));
    const second = await succeed(backend, backend.create(callContext(), input));
    expect(second.id).toBe(first.id);
    expect(await virsh('domstate', input.name)).toContain('shut off');
    const metadata = await virsh(
      'metadata',
      input.name,
      '--uri',
      'https://virtrigaud.io/xmlns/libvirt/v1',
    );
    expect(metadata).toContain(`uid="${owner.uid}"`);
    const names = (await virsh('list', '--all', '--name'))
      .split('\n')
      .filter((n) => n.trim() === input.name);
    expect(names).toHaveLength(1);
    expect(await codeOf(backend.create(callContext(), { ...input, owner: t.owner('idem') }))).toBe(
      'ALREADY_EXISTS',
    );
  });

  it('rejects a name with shell and XML metacharacters before anything reaches virsh', async () => {
    const owner = t.owner('evil');
    const before = await virsh('list', '--all', '--name');
    const volumesBefore = await t.volumes();
    for (const name of [
      `${t.prefix}'"<>&;$(touch /tmp/pwned)`,
      `${t.prefix}<a x="1">&amp;</a>`,
      '',
    ]) {
      const err = await backend
        .create(callContext(), t.createInput(owner, { name }))
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ProviderError);
      expect((err as ProviderError).code).toBe('INVALID_ARGUMENT');
      expect((err as ProviderError).message).toContain('name');
    }
    expect(await virsh('list', '--all', '--name')).toBe(before);
    expect(await t.volumes()).toEqual(volumesBefore);
  });

  it('escapes owner fields and tags in the domain XML', async () => {
    const owner = { ...t.owner('esc'), name: `o'"<>&;$(id)` };
    const input = t.createInput(owner, { name: `${t.prefix}-esc`, tags: [`a<b>&"c'`] });
    const { id } = await succeed(backend, backend.create(callContext(), input));
    const described = await backend.describe(callContext(), id, owner);
    expect(described?.raw).toMatchObject({ owner: { name: `o'"<>&;$(id)` }, tags: [`a<b>&"c'`] });
    await succeed(backend, backend.delete(callContext(), id, owner));
  });

  it('attaches a NoCloud seed ISO carrying the exact user data and meta data', async () => {
    const owner = t.owner('ci');
    const userData = Buffer.from(`#cloud-config\nruncmd:\n  - echo "it's <here> & $(now)"\n`);
    const metaData = Buffer.from(`instance-id: ${owner.uid}\nlocal-hostname: ci\n`);
    const { id } = await succeed(
      backend,
      backend.create(callContext(), t.createInput(owner, { userData, metaData })),
    );
    const seed = `vr-${id}-seed.iso`;
    expect(await t.volumes()).toContain(seed);
    expect(await isoFile(t.pool, seed, 'user-data')).toBe(userData.toString());
    expect(await isoFile(t.pool, seed, 'meta-data')).toBe(metaData.toString());
    const xml = await virsh('dumpxml', id);
    expect(xml).toMatch(new RegExp(`device='cdrom'[\\s\\S]*volume='${seed}'`));
    await succeed(backend, backend.delete(callContext(), id, owner));
  });

  it('reuses the volumes of an interrupted create and ends with one domain', async () => {
    const owner = t.owner('resume');
    const input = t.createInput(owner);
    // A provider killed right after making the root overlay leaves it without a domain.
    const { id } = await backend.create(callContext(), input);
    await backend.delete(callContext(), id, owner).catch(() => undefined);
    await t.createOverlay(`vr-${id}-root.qcow2`, '64M');
    const again = await succeed(backend, backend.create(callContext(), input));
    expect(again.id).toBe(id);
    expect((await t.volumes()).filter((v) => v.includes(id))).toEqual([`vr-${id}-root.qcow2`]);
    await succeed(backend, backend.delete(callContext(), id, owner));
  });
});

describe('a VM through its life', () => {
  const state: { id?: string; owner?: ReturnType<TestRun['owner']> } = {};

  beforeAll(async () => {
    state.owner = t.owner('life');
    const input = t.createInput(state.owner, {
      class: {
        cpu: 1,
        memory: '128Mi',
        cpuHotAdd: true,
        memoryHotAdd: true,
        diskDefaults: { sizeGiB: 1 },
      },
      disks: [{ name: 'data', sizeGiB: 1 }],
      networks: [{ name: 'eth0', macAddress: '52:54:00:aa:bb:cc', attachment: {} }],
    });
    state.id = (await succeed(backend, backend.create(callContext(), input))).id;
  });

  it('powers on with a VNC console on the configured address, and lists the class hardware', async () => {
    const id = state.id!;
    expect(await settle(backend, await backend.power(callContext(), id, 'on', 0))).toBeUndefined();
    const described = await backend.describe(callContext(), id, state.owner);
    expect(described?.powerState).toBe('On');
    expect(described?.consoleUrl).toMatch(/^vnc:\/\/127\.0\.0\.1:59\d\d$/);
    const [vm] = (await backend.listVMs(callContext())).filter((v) => v.id === id);
    expect(vm).toMatchObject({
      powerState: 'On',
      cpu: 1,
      memoryMiB: 128,
      networks: [{ mac: '52:54:00:aa:bb:cc' }],
    });
    expect(vm.disks.map((d) => d.id)).toEqual(['vda', 'vdb']);
  });

  it('takes a memory snapshot of the running VM, refuses a disk-only one, reverts and deletes it twice', async () => {
    const id = state.id!;
    expect(
      await codeOf(
        backend.snapshotCreate(callContext(), {
          vmId: id,
          nameHint: 'disk-only',
          includeMemory: false,
          description: '',
        }),
      ),
    ).toBe('FAILED_PRECONDITION');
    const snap = await backend.snapshotCreate(callContext(), {
      vmId: id,
      nameHint: 'before upgrade/1',
      includeMemory: true,
      description: 'test',
    });
    expect(snap.snapshotId).toBe('before-upgrade-1');
    expect(
      (
        await backend.snapshotCreate(callContext(), {
          vmId: id,
          nameHint: 'before upgrade/1',
          includeMemory: true,
          description: 'test',
        })
      ).snapshotId,
    ).toBe(snap.snapshotId);
    expect(await codeOf(backend.snapshotRevert(callContext(), id, 'missing'))).toBe('NOT_FOUND');
    await backend.snapshotRevert(callContext(), id, snap.snapshotId);
    await backend.snapshotDelete(callContext(), id, snap.snapshotId);
    await backend.snapshotDelete(callContext(), id, snap.snapshotId);
    expect(await virsh('snapshot-list', id, '--name')).toBe('');
  });

  // After it, snapshot reverts fail: QEMU cannot load a state saved with hot-plugged vCPUs.
  it('reconfigures vCPUs and memory live within the hot-add ceilings', async () => {
    const id = state.id!;
    await succeed(
      backend,
      backend.reconfigure(callContext(), id, {
        class: { cpu: 2, memory: '256Mi', cpuHotAdd: true, memoryHotAdd: true },
        disks: [{ name: 'data', sizeGiB: 2 }],
      }),
    );
    const info = await virsh('dominfo', id);
    expect(info).toMatch(/CPU\(s\):\s+2/);
    const described = await backend.describe(callContext(), id);
    expect(described?.raw).toMatchObject({ cpu: 2, memoryMiB: 256, liveCpu: 2 });
    expect(
      await virsh('vol-info', '--pool', t.pool, `vr-${id}-data-data.qcow2`, '--bytes'),
    ).toMatch(/Capacity:\s+2147483648 bytes/);
  });

  it('reboots, then shuts down gracefully with a hard power-off after the timeout', async () => {
    const id = state.id!;
    await backend.power(callContext(), id, 'reboot', 0);
    expect((await backend.describe(callContext(), id))?.powerState).toBe('On');
    // No guest OS answers ACPI: the task powers off hard once the 1 s timeout passed.
    expect(
      await settle(backend, await backend.power(callContext(), id, 'shutdownGraceful', 1)),
    ).toBeUndefined();
    expect((await backend.describe(callContext(), id))?.powerState).toBe('Off');
  });

  it('clones the powered-off VM into an independent domain that boots', async () => {
    const id = state.id!;
    const target = t.owner('clone');
    const request = testing.cloneInput(id, target);
    const clone = await succeed(backend, backend.clone(callContext(), request));
    expect((await succeed(backend, backend.clone(callContext(), request))).targetVmId).toBe(
      clone.targetVmId,
    );
    await backend.power(callContext(), clone.targetVmId, 'on', 0);
    expect((await backend.describe(callContext(), clone.targetVmId))?.powerState).toBe('On');
    expect(await t.volumes()).toEqual(
      expect.arrayContaining([
        `vr-${clone.targetVmId}-root.qcow2`,
        `vr-${clone.targetVmId}-data-data.qcow2`,
      ]),
    );
    await succeed(backend, backend.delete(callContext(), clone.targetVmId, target));
  });

  it('refuses deletion by another owner, then deletes the domain and every volume it created, idempotently', async () => {
    const id = state.id!;
    expect(await codeOf(backend.delete(callContext(), id, t.owner('other')))).toBe(
      'FAILED_PRECONDITION',
    );
    await succeed(backend, backend.delete(callContext(), id, state.owner));
    expect(await backend.describe(callContext(), id)).toBeUndefined();
    expect(await virsh('list', '--all', '--name')).not.toContain(id);
    expect((await t.volumes()).filter((v) => v.includes(id))).toEqual([]);
    await succeed(backend, backend.delete(callContext(), id, state.owner));
    expect(await codeOf(backend.power(callContext(), id, 'on', 0))).toBe('NOT_FOUND');
  });
});

describe('linked clones', () => {
  /** The backing chain of a volume of the run's pool as qemu-img sees it (-U: it may be in use). */
  async function backingChain(volume: string): Promise<string[]> {
    const { stdout } = await run('qemu-img', [
      'info',
      '-U',
      '--backing-chain',
      '--output=json',
      join(t.poolDir, volume),
    ]);
    return (JSON.parse(stdout) as { filename: string }[]).map((layer) => layer.filename);
  }

  const linkedClone = (sourceVmId: string, target: ReturnType<TestRun['owner']>) =>
    backend.clone(callContext(), testing.cloneInput(sourceVmId, target, { linked: true }));

  it('share the source disk frozen as a base; both run, the clone survives the source, nothing is left', async () => {
    const volumesBefore = await t.volumes();
    const owner = t.owner('lsrc');
    const input = t.createInput(owner, { disks: [{ name: 'data', sizeGiB: 1 }] });
    const { id } = await succeed(backend, backend.create(callContext(), input));
    const target = t.owner('lclone');
    const clone = await succeed(backend, linkedClone(id, target));
    expect((await succeed(backend, linkedClone(id, target))).targetVmId).toBe(clone.targetVmId);
    const cloneId = clone.targetVmId;

    // The source's disks were frozen: it now writes to a new overlay on them, as does the clone.
    const base = join(t.poolDir, `vr-${id}-root.qcow2`);
    expect(await backingChain(`vr-${id}-root.g1.qcow2`)).toEqual([
      join(t.poolDir, `vr-${id}-root.g1.qcow2`),
      base,
      t.baseImage,
    ]);
    expect(await backingChain(`vr-${cloneId}-root.qcow2`)).toEqual([
      join(t.poolDir, `vr-${cloneId}-root.qcow2`),
      base,
      t.baseImage,
    ]);
    expect(await backingChain(`vr-${cloneId}-data-data.qcow2`)).toContain(
      join(t.poolDir, `vr-${id}-data-data.qcow2`),
    );

    for (const vm of [id, cloneId]) await backend.power(callContext(), vm, 'on', 0);
    expect(await virsh('domstate', id)).toContain('running');
    expect(await virsh('domstate', cloneId)).toContain('running');
    // The running clone's disk is layered on the frozen base.
    expect(await virsh('dumpxml', cloneId)).toMatch(
      new RegExp(
        `<backingStore type='file'[^>]*>\\s*<format type='qcow2'/>\\s*<source file='${base}'`,
      ),
    );

    await succeed(backend, backend.delete(callContext(), id, owner));
    expect(await t.volumes()).toContain(`vr-${id}-root.qcow2`);
    expect((await t.volumes()).filter((v) => v.includes(`vr-${id}-`) && v.includes('.g'))).toEqual(
      [],
    );
    await backend.power(callContext(), cloneId, 'off', 0);
    await backend.power(callContext(), cloneId, 'on', 0);
    expect((await backend.describe(callContext(), cloneId, target))?.powerState).toBe('On');
    expect(await backingChain(`vr-${cloneId}-root.qcow2`)).toContain(base);

    await succeed(backend, backend.delete(callContext(), cloneId, target));
    expect(await t.volumes()).toEqual(volumesBefore);
  });

  it('deleting the clone first keeps the source working and then removes the bases with it', async () => {
    const volumesBefore = await t.volumes();
    const owner = t.owner('lsrc2');
    const { id } = await succeed(backend, backend.create(callContext(), t.createInput(owner)));
    const target = t.owner('lclone2');
    const { targetVmId } = await succeed(backend, linkedClone(id, target));
    await succeed(backend, backend.delete(callContext(), targetVmId, target));
    expect(await t.volumes()).toContain(`vr-${id}-root.qcow2`);
    await backend.power(callContext(), id, 'on', 0);
    expect(await virsh('domstate', id)).toContain('running');
    await succeed(backend, backend.delete(callContext(), id, owner));
    expect(await t.volumes()).toEqual(volumesBefore);
  });

  it('are refused for a source with snapshots (they would be frozen out of its reach)', async () => {
    const owner = t.owner('lsnap');
    const { id } = await succeed(backend, backend.create(callContext(), t.createInput(owner)));
    await backend.snapshotCreate(callContext(), {
      vmId: id,
      nameHint: 'before',
      includeMemory: false,
      description: '',
    });
    expect(await codeOf(linkedClone(id, t.owner('lsnapclone')))).toBe('FAILED_PRECONDITION');
    await succeed(backend, backend.delete(callContext(), id, owner));
  });
});

describe('power', () => {
  const stateOf = async (id: string) => (await virsh('domstate', id)).trim();

  it('acts on the state the domain is in: repeated, paused, stopped', async () => {
    const owner = t.owner('power');
    const { id } = await succeed(backend, backend.create(callContext(), t.createInput(owner)));
    await backend.power(callContext(), id, 'on', 0);
    await backend.power(callContext(), id, 'on', 0);
    expect(await stateOf(id)).toBe('running');
    await virsh('suspend', id);
    const listed = (await backend.listVMs(callContext())).find((vm) => vm.id === id);
    expect(listed?.powerState).toBe('Suspended');
    await backend.power(callContext(), id, 'on', 0);
    expect(await stateOf(id)).toBe('running');
    await backend.power(callContext(), id, 'off', 0);
    await backend.power(callContext(), id, 'off', 0);
    expect(await stateOf(id)).toBe('shut off');
    expect(await codeOf(backend.power(callContext(), id, 'reboot', 0))).toBe('FAILED_PRECONDITION');
    expect(await backend.power(callContext(), id, 'shutdownGraceful', 1)).toEqual({});
    await succeed(backend, backend.delete(callContext(), id, owner));
  });

  it('is NOT_FOUND for a VM another replica deleted since this one created it', async () => {
    const owner = t.owner('gone');
    const { id } = await succeed(backend, backend.create(callContext(), t.createInput(owner)));
    const other = await t.backend();
    await succeed(other, other.delete(callContext(), id, owner));
    for (const op of ['on', 'off', 'reboot', 'shutdownGraceful'] as const)
      expect(await codeOf(backend.power(callContext(), id, op, 0))).toBe('NOT_FOUND');
  });

  it('never starts a domain without the provider metadata, even one with a VM-like UUID', async () => {
    const name = `${t.prefix}-foreign`;
    const uuid = randomUUID();
    await writeFile(
      join(t.poolDir, 'foreign.xml'),
      `<domain type='qemu'><name>${name}</name><uuid>${uuid}</uuid><memory unit='MiB'>64</memory>` +
        `<os><type arch='x86_64' machine='q35'>hvm</type></os></domain>`,
    );
    await virsh('define', join(t.poolDir, 'foreign.xml'));
    expect(await codeOf(backend.power(callContext(), uuid, 'on', 0))).toBe('NOT_FOUND');
    expect(await stateOf(uuid)).toBe('shut off');
  });
});

describe('task ids', () => {
  it('are resolved by another backend instance (another replica) from the hypervisor state', async () => {
    const owner = t.owner('replica');
    const created = await backend.create(callContext(), t.createInput(owner));
    const other = await t.backend();
    expect(await settle(other, created)).toBeUndefined();
    await succeed(other, other.delete(callContext(), created.id, owner));
  });
});

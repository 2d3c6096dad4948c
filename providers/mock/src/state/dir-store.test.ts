// The shared mock hypervisor (MOCK_STATE_DIR) with several replicas writing at once: owner uids
// and names stay unique without a global lock, names and owners are free again once a VM's delete
// is done, and a create cut off by a dying replica is finished (or refused) by the next one.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Owner } from '@virtrigaud/provider-sdk';
import { DirStore, type MockVM } from '../index';

const owner = (uid: string): Owner => ({ uid, namespace: 'default', name: uid });

/** A VM record as Create builds it (the store only reads id, name, owner, createdAt, pending). */
function vmRecord(id: string, name: string, uid: string): MockVM {
  return {
    id,
    name,
    owner: owner(uid),
    image: { source: { mock: { name: 'img' } } },
    hardware: { class: { cpu: 1, memory: '512Mi' }, disks: [] },
    networks: [],
    placement: {},
    tags: [],
    powerState: 'Off',
    hardwareVersion: 1,
    ip: '198.51.100.2',
    snapshots: [],
    snapshotsTaken: 0,
    createdAt: Date.now(),
  } as unknown as MockVM;
}

describe('DirStore: replicas sharing one state directory', () => {
  let dir: string;
  let replicas: DirStore[];
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mock-dir-store-'));
    replicas = [0, 1, 2].map(() => new DirStore(dir, {}));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const add = (replica: DirStore, name: string, uid: string) =>
    replica.addVm(name, owner(uid), (id) => vmRecord(id, name, uid));

  it('makes one VM per owner when three replicas create the same 20 VMs at once', async () => {
    const results = await Promise.all(
      replicas.flatMap((replica) =>
        Array.from({ length: 20 }, (_, i) => add(replica, `vm-${i}`, `uid-${i}`)),
      ),
    );
    const idsByOwner = new Map<string, Set<string>>();
    for (const vm of results) {
      idsByOwner.set(vm.owner.uid, (idsByOwner.get(vm.owner.uid) ?? new Set()).add(vm.id));
    }
    expect([...idsByOwner.values()].every((ids) => ids.size === 1)).toBe(true);
    const listed = await replicas[1].vms();
    expect(listed).toHaveLength(20);
    expect(new Set(listed.map((vm) => vm.name)).size).toBe(20);
  });

  it('gives a name to one of six owners racing for it; the others get ALREADY_EXISTS', async () => {
    const outcomes = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) => add(replicas[i % 3], 'contested', `uid-${i}`)),
    );
    const winners = outcomes.filter((o) => o.status === 'fulfilled');
    expect(winners).toHaveLength(1);
    for (const outcome of outcomes.filter((o) => o.status === 'rejected')) {
      expect(outcome.reason).toMatchObject({ code: 'ALREADY_EXISTS' });
    }
    expect((await replicas[2].vms()).map((vm) => vm.name)).toEqual(['contested']);
  });

  it('frees the name and the owner once the VM is deleted', async () => {
    const first = await add(replicas[0], 'reused', 'uid-old');
    await replicas[1].updateVm(first.id, (vm) => {
      vm!.pending = { op: 'delete', due: Date.now(), deleted: true };
    });
    expect(await replicas[2].vm(first.id)).toBeUndefined();
    const second = await add(replicas[2], 'reused', 'uid-new');
    expect(second.id).not.toBe(first.id);
    const again = await add(replicas[0], 'other-name', 'uid-old');
    expect(again.id).not.toBe(first.id);
    expect((await replicas[1].vms()).map((vm) => vm.name).sort()).toEqual(['other-name', 'reused']);
  });

  describe('a replica that died in the middle of a create', () => {
    const entry = (kind: string, key: string) =>
      path.join(dir, kind, createHash('sha256').update(key).digest('hex'));

    /** What a create leaves when its process dies after taking the owner's entry. */
    async function cutOffCreate(name: string, uid: string): Promise<string> {
      await replicas[0].vms(); // the directory exists
      const id = 'vm-dead0000dead0000';
      for (const sub of ['drafts', 'owners'])
        fs.mkdirSync(path.join(dir, sub), { recursive: true });
      fs.writeFileSync(
        path.join(dir, 'drafts', `${id}.json`),
        JSON.stringify(vmRecord(id, name, uid)),
      );
      fs.writeFileSync(entry('owners', uid), id);
      return id;
    }

    it('is finished by the next create for that owner, on another replica', async () => {
      const id = await cutOffCreate('half-made', 'uid-half');
      expect((await add(replicas[1], 'half-made', 'uid-half')).id).toBe(id);
      expect((await replicas[2].vms()).map((vm) => vm.id)).toEqual([id]);
    });

    it('loses the name to another owner who took it meanwhile; its owner gets ALREADY_EXISTS', async () => {
      await cutOffCreate('half-made', 'uid-half');
      const other = await add(replicas[1], 'half-made', 'uid-other');
      await expect(add(replicas[2], 'half-made', 'uid-half')).rejects.toMatchObject({
        code: 'ALREADY_EXISTS',
      });
      expect((await replicas[0].vms()).map((vm) => vm.id)).toEqual([other.id]);
      // The owner is free again for a VM of another name.
      expect((await add(replicas[0], 'renamed', 'uid-half')).name).toBe('renamed');
    });
  });

  it('treats ids it never hands out as no VM (they never become paths)', async () => {
    expect(await replicas[0].vm('../../etc/passwd')).toBeUndefined();
    expect(await replicas[0].updateVm('../x', (vm) => vm)).toBeUndefined();
  });
});

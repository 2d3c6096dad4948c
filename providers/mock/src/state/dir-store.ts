// The mock hypervisor shared by replicas through one directory (MOCK_STATE_DIR), one file per
// record, so replicas work side by side and a call costs the same with 10 VMs or 10,000:
//
//   vms/<id>.json     a VM, replaced whole on every change (under that VM's lock), or the
//                     tombstone of a create that lost its name to another owner's VM
//   drafts/<id>.json  a VM whose create is not decided yet
//   owners/<hash>     the id of the VM of an owner uid      (hash: sha256 of the uid)
//   names/<hash>      the id of the VM with a name          (hash: sha256 of the name)
//   faults.json       faults for every replica
//
// Create writes its draft, then creates the owner's entry, then the name's entry, each only if it
// does not exist yet; that is what keeps owner uids and names unique, with no lock. Holding both,
// it commits: the draft becomes vms/<id>.json. When the name belongs to a live VM of another owner
// it aborts instead: a tombstone becomes vms/<id>.json. Whichever lands first decides, for good.
// A replica that dies between these steps leaves entries pointing at an undecided draft; the next
// call that meets such an entry takes the same steps for the draft (any process can), so nobody
// waits for a dead replica. An entry is removed only once its VM is gone for good (deleted, or
// aborted), and under that entry's lock after reading it again, so a live VM keeps its entries.
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { alreadyExists, type Owner } from '@virtrigaud/provider-sdk';
import type { Faults } from '../faults';
import {
  createExclusively,
  readJson,
  readText,
  removeFile,
  withFileLock,
  writeAtomically,
} from './files';
import { settle, type MockVM } from './mock-state';
import type { MockStore } from './store';

export const FAULTS_FILE = 'faults.json';

interface Tombstone {
  id: string;
  /** The VM that had the name when this create was aborted. */
  abortedFor: { id: string; ownerUid: string };
}
type Decided = MockVM | Tombstone;

const isTombstone = (record: Decided): record is Tombstone => 'abortedFor' in record;

/** Ids this store hands out; anything else names no VM (and never becomes a path). */
const VM_ID = /^vm-[0-9a-f]+$/;

export class DirStore implements MockStore {
  private directories?: Promise<unknown>;

  constructor(
    private readonly dir: string,
    private readonly ownFaults: Faults,
  ) {}

  async vm(id: string): Promise<MockVM | undefined> {
    if (!VM_ID.test(id)) return undefined;
    const record = await readJson<Decided>(this.recordFile(id));
    return record && current(record);
  }

  async vms(): Promise<MockVM[]> {
    let files: string[];
    try {
      files = await fs.readdir(path.join(this.dir, 'vms'));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const records = await Promise.all(
      files
        .filter((file) => file.endsWith('.json'))
        .map((file) => readJson<Decided>(path.join(this.dir, 'vms', file))),
    );
    return records
      .map((record) => record && current(record))
      .filter((vm): vm is MockVM => vm !== undefined)
      .sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
  }

  async updateVm<T>(id: string, change: (vm: MockVM | undefined) => T): Promise<T> {
    if (!VM_ID.test(id)) return change(undefined);
    await this.ensureDirectories();
    const file = this.recordFile(id);
    return withFileLock(file, async () => {
      const record = await readJson<Decided>(file);
      const vm = record && current(record);
      const result = change(vm);
      if (vm) await writeAtomically(file, vm);
      return result;
    });
  }

  async addVm(name: string, owner: Owner, build: (id: string) => MockVM): Promise<MockVM> {
    await this.ensureDirectories();
    const draft = build(`vm-${randomBytes(8).toString('hex')}`);
    await writeAtomically(this.draftFile(draft.id), draft);
    const ownerEntry = this.entry('owners', owner.uid);
    for (;;) {
      const holder = await this.claim(ownerEntry, draft.id);
      if (holder === draft.id) break;
      const owned = await this.resolve(holder);
      if (owned) {
        // No entry points at this draft: nobody else will ever look at it.
        await removeFile(this.draftFile(draft.id));
        return owned;
      }
      await this.release(ownerEntry, holder);
    }
    const decided = await this.decide(draft);
    if (!isTombstone(decided)) return decided;
    const clash = decided.abortedFor;
    throw alreadyExists(`VM name ${name} is taken by owner ${clash.ownerUid} (VM ${clash.id})`);
  }

  async faults(): Promise<Faults> {
    const shared = await readJson<Faults>(path.join(this.dir, FAULTS_FILE));
    return shared ? { ...this.ownFaults, ...shared } : this.ownFaults;
  }

  async setFaults(faults: Faults): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true });
    await writeAtomically(path.join(this.dir, FAULTS_FILE), faults);
  }

  /**
   * Decides the create of a draft that holds its owner's entry: commit once it holds its name's
   * entry too, abort when a live VM holds the name. Any process may do this for any draft; the
   * first decision stays. Returns the decision.
   */
  private async decide(draft: MockVM): Promise<Decided> {
    const nameEntry = this.entry('names', draft.name);
    for (;;) {
      const decided = await readJson<Decided>(this.recordFile(draft.id));
      if (decided) {
        await removeFile(this.draftFile(draft.id));
        if (isTombstone(decided)) {
          await this.release(this.entry('owners', draft.owner.uid), draft.id);
          await this.release(nameEntry, draft.id);
        }
        return decided;
      }
      const holder = await this.claim(nameEntry, draft.id);
      if (holder === draft.id) {
        await createExclusively(this.recordFile(draft.id), JSON.stringify(draft));
        continue;
      }
      const named = await this.resolve(holder);
      if (named) {
        const tombstone: Tombstone = {
          id: draft.id,
          abortedFor: { id: named.id, ownerUid: named.owner.uid },
        };
        await createExclusively(this.recordFile(draft.id), JSON.stringify(tombstone));
        continue;
      }
      await this.release(nameEntry, holder);
    }
  }

  /**
   * The VM an entry points at, as it is now; its create is decided first when it was not yet.
   * Undefined when it is gone for good, so the entry may go.
   */
  private async resolve(id: string): Promise<MockVM | undefined> {
    const record = await readJson<Decided>(this.recordFile(id));
    if (record) return current(record);
    const draft = await readJson<MockVM>(this.draftFile(id));
    if (draft) return current(await this.decide(draft));
    // The draft went after its decision landed, between the two reads.
    const decided = await readJson<Decided>(this.recordFile(id));
    return decided && current(decided);
  }

  /** Points the entry at `id` unless it exists; returns the id it points at. */
  private async claim(entry: string, id: string): Promise<string> {
    for (;;) {
      if (await createExclusively(entry, id)) return id;
      const holder = await readText(entry);
      if (holder !== undefined) return holder;
      // Released between the two steps: try again.
    }
  }

  /** Removes the entry if it still points at `gone` (a VM gone for good). */
  private async release(entry: string, gone: string): Promise<void> {
    await withFileLock(entry, async () => {
      if ((await readText(entry)) === gone) await removeFile(entry);
    });
  }

  private entry(kind: 'owners' | 'names', key: string): string {
    return path.join(this.dir, kind, createHash('sha256').update(key).digest('hex'));
  }

  private recordFile(id: string): string {
    return path.join(this.dir, 'vms', `${id}.json`);
  }

  private draftFile(id: string): string {
    return path.join(this.dir, 'drafts', `${id}.json`);
  }

  private ensureDirectories(): Promise<unknown> {
    this.directories ??= Promise.all(
      ['vms', 'drafts', 'owners', 'names'].map((sub) =>
        fs.mkdir(path.join(this.dir, sub), { recursive: true }),
      ),
    );
    return this.directories;
  }
}

/** The VM as it is now; undefined for a tombstone or a VM whose delete is done. */
function current(record: Decided): MockVM | undefined {
  return isTombstone(record) ? undefined : settle(record, Date.now());
}

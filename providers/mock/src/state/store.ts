// Where the mock hypervisor keeps its state: in this process, or in a directory shared by several
// replicas (a JSON file replaced atomically, updates serialized by a lock file), so any replica
// answers for VMs and tasks another one started.
import fs from 'node:fs/promises';
import path from 'node:path';
import lockfile from 'proper-lockfile';
import { emptyState, type MockState } from './mock-state';
import type { Faults } from '../faults';

export interface MockStore {
  /** Runs `fn` on the current state; `fn` must not change it. */
  read<T>(fn: (state: MockState) => T): Promise<T>;
  /** Runs `fn` on the state and persists its changes atomically. */
  update<T>(fn: (state: MockState) => T): Promise<T>;
  /** The hypervisor's faults: shared ones (faults.json) override the process's own. */
  faults(): Promise<Faults>;
  setFaults(faults: Faults): Promise<void>;
}

export class MemoryStore implements MockStore {
  private state = emptyState();

  constructor(private currentFaults: Faults) {}

  async read<T>(fn: (state: MockState) => T): Promise<T> {
    return fn(this.state);
  }

  async update<T>(fn: (state: MockState) => T): Promise<T> {
    // fn is synchronous, so nothing interleaves with it.
    return fn(this.state);
  }

  async faults(): Promise<Faults> {
    return this.currentFaults;
  }

  async setFaults(faults: Faults): Promise<void> {
    this.currentFaults = faults;
  }
}

export const STATE_FILE = 'state.json';
export const FAULTS_FILE = 'faults.json';
const LOCK_OPTIONS = {
  lockfilePath: '',
  realpath: false,
  stale: 10_000,
  retries: { retries: 200, factor: 1.2, minTimeout: 2, maxTimeout: 50 },
};

export class FileStore implements MockStore {
  private readonly stateFile: string;
  private readonly faultsFile: string;

  constructor(
    private readonly dir: string,
    private readonly ownFaults: Faults,
  ) {
    this.stateFile = path.join(dir, STATE_FILE);
    this.faultsFile = path.join(dir, FAULTS_FILE);
  }

  async read<T>(fn: (state: MockState) => T): Promise<T> {
    return fn(await this.load());
  }

  async update<T>(fn: (state: MockState) => T): Promise<T> {
    await fs.mkdir(this.dir, { recursive: true });
    const release = await lockfile.lock(this.dir, {
      ...LOCK_OPTIONS,
      lockfilePath: path.join(this.dir, 'state.lock'),
    });
    try {
      const state = await this.load();
      const result = fn(state);
      await this.writeAtomically(this.stateFile, state);
      return result;
    } finally {
      await release();
    }
  }

  async faults(): Promise<Faults> {
    try {
      return { ...this.ownFaults, ...JSON.parse(await fs.readFile(this.faultsFile, 'utf8')) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return this.ownFaults;
      throw err;
    }
  }

  async setFaults(faults: Faults): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true });
    await this.writeAtomically(this.faultsFile, faults);
  }

  private async load(): Promise<MockState> {
    try {
      return JSON.parse(await fs.readFile(this.stateFile, 'utf8')) as MockState;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return emptyState();
      throw err;
    }
  }

  private async writeAtomically(file: string, value: unknown): Promise<void> {
    const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
    await fs.writeFile(temporary, JSON.stringify(value));
    await fs.rename(temporary, file);
  }
}

// Test fixtures on the real libvirtd that jest's globalSetup started: a per-run storage pool with a
// blank qcow2 base image (no guest OS: under TCG it boots into nothing, which is all lifecycle tests
// need), backends pointed at it, and a cleanup that removes every domain and volume of the run.
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pino from 'pino';
import { testing, type CallContext, type CreateInput, type Owner } from '@virtrigaud/provider-sdk';
import { LibvirtBackend } from '../libvirt-backend';

const run = promisify(execFile);
export const LOCAL_URI = 'qemu:///system';
const TEST_ROOT = '/var/tmp/virtrigaud-libvirt-tests';

export function virsh(...args: string[]): Promise<string> {
  return run('virsh', ['-q', '-c', LOCAL_URI, ...args], {
    env: { ...process.env, LC_ALL: 'C' },
  }).then((r) => r.stdout);
}

export function callContext(timeoutMs = 60_000): CallContext {
  return {
    correlationId: randomUUID(),
    signal: AbortSignal.timeout(timeoutMs),
    log: pino({ level: 'silent' }),
  };
}

export interface RemoteEndpoint {
  endpoint: string;
  credentials: Record<string, string>;
}

export interface TestRun {
  /** Prefix of every domain name of the run. */
  prefix: string;
  pool: string;
  poolDir: string;
  baseImage: string;
  /** A backend on this run's pool; `remote` reaches the same libvirtd another way (qemu+ssh://). */
  backend(options?: Record<string, unknown>, remote?: RemoteEndpoint): Promise<LibvirtBackend>;
  owner(suffix: string): Owner;
  createInput(owner: Owner, overrides?: Partial<CreateInput>): CreateInput;
  volumes(): Promise<string[]>;
  /** A qcow2 overlay volume on the run's base image, made directly with virsh. */
  createOverlay(volume: string, capacity?: string): Promise<void>;
  cleanup(): Promise<void>;
}

export async function startTestRun(label: string): Promise<TestRun> {
  const id = randomBytes(3).toString('hex');
  const prefix = `vrt-${label}-${id}`;
  const pool = prefix;
  const poolDir = join(TEST_ROOT, prefix);
  await mkdir(poolDir, { recursive: true });
  const baseImage = join(poolDir, 'base.qcow2');
  await run('qemu-img', ['create', '-q', '-f', 'qcow2', baseImage, '64M']);
  await virsh('pool-create-as', '--name', pool, '--type', 'dir', '--target', poolDir);
  const backends: LibvirtBackend[] = [];
  const testRun: TestRun = {
    prefix,
    pool,
    poolDir,
    baseImage,
    async backend(options = {}, remote) {
      const backend = await LibvirtBackend.open({
        providerType: 'libvirt',
        endpoint: remote?.endpoint ?? LOCAL_URI,
        namespace: 'tests',
        name: prefix,
        credentials: remote?.credentials ?? {},
        options: { libvirt: { domainType: 'qemu', storagePool: pool, ...options } },
        log: pino({ level: 'silent' }),
      });
      backends.push(backend);
      return backend;
    },
    owner(suffix) {
      return { uid: randomUUID(), namespace: 'tests', name: `${prefix}-${suffix}` };
    },
    createInput(owner, overrides = {}) {
      return {
        name: `tests.${owner.name}`,
        owner,
        class: { cpu: 1, memory: '128Mi' },
        image: { source: { libvirt: { path: baseImage, format: 'qcow2' } } },
        networks: [],
        disks: [],
        placement: {},
        tags: ['test'],
        ...overrides,
      };
    },
    async volumes() {
      const out = await virsh('vol-list', '--pool', pool);
      return out
        .split('\n')
        .map((l) => l.trim().split(/\s+/)[0])
        .filter(Boolean)
        .sort();
    },
    async createOverlay(volume, capacity = '0') {
      await virsh(
        ...['vol-create-as', pool, volume, capacity, '--format', 'qcow2'],
        ...['--backing-vol', baseImage, '--backing-vol-format', 'qcow2'],
      );
    },
    async cleanup() {
      const names = (await virsh('list', '--all', '--name')).split('\n').map((l) => l.trim());
      for (const name of names.filter((n) => n.includes(prefix))) {
        await virsh('destroy', name).catch(() => undefined);
        await virsh('undefine', name, '--snapshots-metadata', '--nvram').catch(() => undefined);
      }
      await virsh('pool-destroy', pool).catch(() => undefined);
      await rm(poolDir, { recursive: true, force: true });
      for (const backend of backends) await backend.close();
    },
  };
  return testRun;
}

/** Polls TaskStatus (as the operator does) until done: settle returns the task's error. */
export const { settle, succeed } = testing.taskWaiter({
  callContext,
  deadlineMs: 60_000,
  pollMs: 10,
  maxPollMs: 500,
});

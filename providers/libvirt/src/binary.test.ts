// The real provider-libvirt command as the Provider controller launches it (seed flags and
// environment, --libvirt-* flags): killed with SIGKILL in the middle of a Create and started
// again, a retried Create ends with exactly one domain and no duplicate volumes; SIGTERM exits 0.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createProviderClient } from '@virtrigaud/provider-sdk';
import { derivedUuid } from './names';
import { LOCAL_URI, startTestRun, virsh, type TestRun } from './testing/libvirt';

jest.setTimeout(120_000);
const packageDir = path.join(__dirname, '..');
const BIN = path.join(
  packageDir,
  JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8')).bin[
    'provider-libvirt'
  ],
);

let t: TestRun;
beforeAll(async () => {
  t = await startTestRun('bin');
});
afterAll(() => t?.cleanup());

interface Started {
  child: ChildProcess;
  address: string;
}

function startBinary(): Promise<Started> {
  const child = spawn(
    process.execPath,
    [
      BIN,
      '--grpc-addr=127.0.0.1:0',
      '--metrics-addr=127.0.0.1:0',
      '--provider-type=libvirt',
      `--provider-endpoint=${LOCAL_URI}`,
      '--tls-enabled=false',
      '--libvirt-domain-type=qemu',
      `--libvirt-storage-pool=${t.pool}`,
    ],
    {
      env: {
        PATH: process.env.PATH ?? '',
        PROVIDER_NAMESPACE: 'default',
        PROVIDER_NAME: 'libvirt-binary',
        VIRTRIGAUD_CREDENTIALS_DIR: path.join(t.poolDir, 'no-credentials'),
        VIRTRIGAUD_CONFIG_DIR: path.join(t.poolDir, 'no-config'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const started = output.split('\n').find((line) => line.includes('"provider started"'));
      if (started) resolve({ child, address: `127.0.0.1:${JSON.parse(started).grpcPort}` });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) =>
      reject(new Error(`exited with ${code} before starting:\n${output}`)),
    );
  });
}

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function exited(child: ChildProcess, signal: NodeJS.Signals): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  const done = new Promise<number | null>((resolve) => child.once('exit', resolve));
  child.kill(signal);
  return done;
}

it('a Create interrupted by SIGKILL and retried on a new process yields one domain', async () => {
  const owner = { uid: randomUUID(), namespace: 'default', name: 'killed' };
  const request = {
    name: `${t.prefix}-killed`,
    owner,
    classJson: JSON.stringify({ cpu: 1, memory: '128Mi' }),
    imageJson: JSON.stringify({ source: { libvirt: { path: t.baseImage } } }),
    networksJson: '[]',
    disksJson: JSON.stringify([{ name: 'data', sizeGiB: 1 }]),
    placementJson: '{}',
    userData: Buffer.from('#cloud-config\n'),
  };
  const id = derivedUuid(owner.uid);
  const first = await startBinary();
  const firstClient = createProviderClient(first.address);
  // Kill the process in the middle of the build: its first volume exists, the domain does not yet.
  const interrupted = firstClient.create(request).catch((err: unknown) => err);
  await waitFor(async () => (await t.volumes()).includes(`vr-${id}-root.qcow2`));
  await exited(first.child, 'SIGKILL');
  expect(await interrupted).toBeInstanceOf(Error);
  firstClient.close();

  const second = await startBinary();
  const client = createProviderClient(second.address);
  try {
    const again = await client.create(request);
    expect(again.id).toBe(id);
    for (let wait = 10; again.task?.id; wait = Math.min(wait * 2, 500)) {
      const state = await client.taskStatus({ task: again.task });
      if (state.done) {
        expect(state.error).toBe('');
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
    const domains = (await virsh('list', '--all', '--name')).split('\n').map((n) => n.trim());
    expect(domains.filter((n) => n === request.name)).toHaveLength(1);
    expect((await t.volumes()).filter((v) => v.includes(id))).toEqual([
      `vr-${id}-data-data.qcow2`,
      `vr-${id}-root.qcow2`,
      `vr-${id}-seed.iso`,
    ]);
    await client.delete({ id: id, owner });
    expect((await t.volumes()).filter((v) => v.includes(id))).toEqual([]);
  } finally {
    client.close();
    expect(await exited(second.child, 'SIGTERM')).toBe(0);
  }
});

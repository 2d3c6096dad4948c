// The real provider-libvirt command as the Provider controller launches it (seed flags and
// environment, --libvirt-* flags): killed with SIGKILL in the middle of a Create and started
// again, a retried Create ends with exactly one domain and no duplicate volumes; SIGTERM exits 0.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { createProviderClient, testing } from '@virtrigaud/provider-sdk';
import { eventually } from '@virtrigaud/testing';
import { derivedUuid } from './names';
import { LOCAL_URI, startTestRun, virsh, type TestRun } from './testing/libvirt';

jest.setTimeout(120_000);
const BIN = testing.providerCommand(path.join(__dirname, '..'), 'provider-libvirt');

let t: TestRun;
beforeAll(async () => {
  t = await startTestRun('bin');
});
afterAll(() => t?.cleanup());

function startBinary(): Promise<testing.RunningProviderProcess> {
  return testing.startProviderProcess(
    BIN,
    testing.seedLaunch({
      type: 'libvirt',
      endpoint: LOCAL_URI,
      name: 'libvirt-binary',
      files: {
        credentials: path.join(t.poolDir, 'no-credentials'),
        config: path.join(t.poolDir, 'no-config'),
      },
      args: ['--libvirt-domain-type=qemu', `--libvirt-storage-pool=${t.pool}`],
    }),
  );
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
  // Polled often: the window between the first volume and the domain is short.
  await eventually(
    'the first volume of the build',
    async () => (await t.volumes()).includes(`vr-${id}-root.qcow2`),
    { timeoutMs: 30_000, intervalMs: 5 },
  );
  await first.stop('SIGKILL');
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
    expect(await second.stop()).toBe(0);
  }
});

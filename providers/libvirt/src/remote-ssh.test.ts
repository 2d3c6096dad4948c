// The backend over a real qemu+ssh:// connection: a test-owned sshd on 127.0.0.1 (see
// testing/sshd.ts) in front of the local system libvirtd, reached as root (the system socket is
// root's here), with the key and known_hosts handed over as the Provider's credential files.
import { ProviderError } from '@virtrigaud/provider-sdk';
import type { LibvirtBackend } from './libvirt-backend';
import { callContext, startTestRun, succeed, virsh, type TestRun } from './testing/libvirt';
import { startTestSshd, type TestSshd } from './testing/sshd';

jest.setTimeout(120_000);

let t: TestRun;
let sshd: TestSshd;

beforeAll(async () => {
  t = await startTestRun('ssh');
  sshd = await startTestSshd();
});
afterAll(async () => {
  await t?.cleanup();
  await sshd?.stop();
});

function remoteBackend(knownHosts: string): Promise<LibvirtBackend> {
  return t.backend(
    {},
    {
      endpoint: `qemu+ssh://root@127.0.0.1:${sshd.port}/system`,
      credentials: { 'ssh-privatekey': sshd.clientKey, known_hosts: knownHosts },
    },
  );
}

it('validates, creates, describes, powers on and deletes a VM through qemu+ssh://', async () => {
  const backend = await remoteBackend(sshd.knownHosts);
  await backend.validate(callContext());
  const owner = t.owner('remote');
  const { id } = await succeed(backend, backend.create(callContext(), t.createInput(owner)));
  expect((await backend.describe(callContext(), id, owner))?.powerState).toBe('Off');
  await backend.power(callContext(), id, 'on', 0);
  expect(await virsh('domstate', id)).toContain('running');
  const described = await backend.describe(callContext(), id, owner);
  expect(described?.powerState).toBe('On');
  // The console listens on 127.0.0.1, which is the ssh endpoint's host too.
  expect(described?.consoleUrl).toMatch(/^vnc:\/\/127\.0\.0\.1:\d+$/);
  await succeed(backend, backend.delete(callContext(), id, owner));
  expect(await virsh('list', '--all', '--uuid')).not.toContain(id);
  expect(await t.volumes()).toEqual(['base.qcow2']);
});

it('refuses a host whose key is not the one in known_hosts with UNAUTHENTICATED', async () => {
  const backend = await remoteBackend(sshd.wrongKnownHosts);
  const err = await backend.validate(callContext()).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ProviderError);
  expect((err as ProviderError).code).toBe('UNAUTHENTICATED');
  // The message names the cause but not the credential files handed to ssh.
  expect((err as ProviderError).message).toMatch(/host key verification failed/i);
  expect((err as ProviderError).message).not.toMatch(/keyfile|known_hosts=|virtrigaud-libvirt-ssh/);
});

// The qemu+ssh:// connection setup (no ssh server involved: see the README for the remote test).
import { readFile, stat } from 'node:fs/promises';
import pino from 'pino';
import type { BackendConfig } from '@virtrigaud/provider-sdk';
import { openConnection } from './connection';

function config(
  endpoint: string,
  credentials: Record<string, string>,
  insecure = false,
): BackendConfig {
  return {
    providerType: 'libvirt',
    endpoint,
    namespace: 'ns',
    name: 'p',
    credentials,
    options: insecure ? { endpointTLS: { insecureSkipVerify: true } } : {},
    log: pino({ level: 'silent' }),
  };
}

it('hands the key and known_hosts to ssh from private 0600 files, with host keys verified', async () => {
  const connection = await openConnection(
    config('qemu+ssh://admin@kvm.example.com:2222/system', {
      'ssh-privatekey': 'KEY',
      known_hosts: 'kvm.example.com ssh-ed25519 AAAA',
    }),
  );
  try {
    const url = new URL(connection.uri);
    expect(`${url.protocol}//${url.username}@${url.host}${url.pathname}`).toBe(
      'qemu+ssh://admin@kvm.example.com:2222/system',
    );
    const keyfile = url.searchParams.get('keyfile')!;
    const wrapper = url.searchParams.get('command')!;
    expect(await readFile(keyfile, 'utf8')).toBe('KEY\n');
    expect((await stat(keyfile)).mode & 0o777).toBe(0o600);
    expect((await stat(url.searchParams.get('known_hosts')!)).mode & 0o777).toBe(0o600);
    const script = await readFile(wrapper, 'utf8');
    expect(script).toContain('StrictHostKeyChecking=yes');
    expect(script).toContain(`UserKnownHostsFile='${url.searchParams.get('known_hosts')}'`);
    expect(script).not.toContain('StrictHostKeyChecking=no');
    expect(connection.host).toBe('kvm.example.com');
  } finally {
    await connection.close();
  }
});

it('disables host-key checking only when insecureSkipVerify says so', async () => {
  const connection = await openConnection(
    config('qemu+ssh://admin@h/system', { 'ssh-privatekey': 'K' }, true),
  );
  try {
    const script = await readFile(new URL(connection.uri).searchParams.get('command')!, 'utf8');
    expect(script).toContain('StrictHostKeyChecking=no');
  } finally {
    await connection.close();
  }
});

it('rejects an endpoint that is no libvirt URI, naming the field', async () => {
  await expect(openConnection(config('https://kvm.example.com', {}))).rejects.toThrow(
    /^endpoint: /,
  );
});

it.each([
  ['qemu+tls://kvm.example.com/system?no_verify=1', 'no_verify=1'],
  [
    'qemu+libssh://admin@kvm.example.com/system?known_hosts_verify=ignore',
    'known_hosts_verify=ignore',
  ],
  [
    'qemu+libssh2://admin@kvm.example.com/system?known_hosts_verify=auto',
    'known_hosts_verify=auto',
  ],
])(
  'refuses %s, which turns verification off, unless insecureSkipVerify says so',
  async (uri, param) => {
    await expect(openConnection(config(uri, {}))).rejects.toThrow(
      `endpoint: ${param} turns off verification of the hypervisor; set endpointTLS.insecureSkipVerify to allow it (labs only)`,
    );
    const insecure = await openConnection(config(uri, {}, true));
    await insecure.close();
  },
);

it('keeps verification parameters that do not weaken it', async () => {
  const connection = await openConnection(
    config('qemu+tls://kvm.example.com/system?no_verify=0&pkipath=/etc/pki', {}),
  );
  expect(connection.uri).toBe('qemu+tls://kvm.example.com/system?no_verify=0&pkipath=/etc/pki');
  await connection.close();
});

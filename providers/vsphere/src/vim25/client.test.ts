import { createHash } from 'node:crypto';
import net from 'node:net';
import { testing } from '@virtrigaud/provider-sdk';
import { directClient, terminateSessions, vcsim } from '../testing/vcsim';
import { Vim25Client } from './client';
import { findByInventoryPath } from './inventory';
import { retrieveOne } from './properties';
import type { TlsPolicy } from './transport';
import { childText } from './xml';

const { providerErrorOf } = testing;

function clientWith(tls: TlsPolicy, password = vcsim().password, endpoint = vcsim().endpoint) {
  return new Vim25Client({ endpoint, username: vcsim().username, password, tls });
}

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('vim25 session', () => {
  it('reports a wrong password as UNAUTHENTICATED without echoing it', async () => {
    const wrong = 'Wr0ng-p4ss-word!';
    const client = clientWith({ mode: 'verify', ca: vcsim().certificatePem }, wrong);
    const err = await providerErrorOf(client.serviceContent());
    expect(err.code).toBe('UNAUTHENTICATED');
    expect(err.message).not.toContain(wrong);
    expect(err.message).not.toContain(vcsim().password);
    await client.close();
  });

  it('re-logs in transparently when vCenter drops the session mid-work', async () => {
    const client = directClient('client-test-expiry');
    const admin = directClient();
    try {
      await client.serviceContent();
      const before = client.sessionGeneration;
      expect(await terminateSessions(admin, 'client-test-expiry')).toBe(1);

      const vm = await findByInventoryPath(client, 'DC0/vm/DC0_H0_VM0');
      expect(vm?.type).toBe('VirtualMachine');
      expect(client.sessionGeneration).toBe(before + 1);
    } finally {
      await Promise.all([client.close(), admin.close()]);
    }
  });

  it('logs out on close, so the session cannot be used again', async () => {
    const client = directClient();
    const admin = directClient();
    const content = await client.serviceContent();
    const session = await retrieveOne(client, content.sessionManager, ['currentSession']);
    const key = childText(session.props.get('currentSession'), 'key')!;
    await client.close();
    const active = await admin.invoke('SessionIsActive', content.sessionManager, {
      sessionID: key,
      userName: vcsim().username,
    });
    expect(active).toBe('false');
    await admin.close();
  });

  it('maps an unreachable endpoint to UNAVAILABLE', async () => {
    const port = await closedPort();
    const client = clientWith({ mode: 'insecure' }, undefined, `https://127.0.0.1:${port}`);
    expect((await providerErrorOf(client.serviceContent())).code).toBe('UNAVAILABLE');
    await client.close();
  });
});

describe('vim25 TLS', () => {
  const der = () => Buffer.from(vcsim().certificateDer, 'base64');

  it.each<[string, () => TlsPolicy]>([
    ['a CA bundle', () => ({ mode: 'verify', ca: vcsim().certificatePem })],
    [
      'a SHA-256 fingerprint',
      () => ({
        mode: 'fingerprint',
        fingerprint: createHash('sha256').update(der()).digest('hex'),
      }),
    ],
    [
      'a SHA-1 thumbprint with colons',
      () => ({
        mode: 'fingerprint',
        fingerprint: createHash('sha1')
          .update(der())
          .digest('hex')
          .toUpperCase()
          .match(/../g)!
          .join(':'),
      }),
    ],
    ['explicit insecureSkipVerify', () => ({ mode: 'insecure' })],
  ])('connects with %s', async (_name, policy) => {
    const client = clientWith(policy());
    await expect(client.serviceContent()).resolves.toHaveProperty('about.apiType', 'VirtualCenter');
    await client.close();
  });

  it.each<[string, () => TlsPolicy]>([
    ['system CAs only (self-signed server)', () => ({ mode: 'verify' })],
    [
      'a fingerprint of another certificate',
      () => ({ mode: 'fingerprint', fingerprint: 'ab'.repeat(32) }),
    ],
  ])('refuses %s', async (_name, policy) => {
    const client = clientWith(policy());
    expect((await providerErrorOf(client.serviceContent())).code).toBe('UNAVAILABLE');
    await client.close();
  });
});

// The API client against the simulator over real HTTPS: TLS verification (CA, fingerprint pin,
// refusal of an unknown certificate), token and ticket authentication with renewal, Proxmox error
// shapes mapped to provider codes, and secrets kept out of errors and logs.
import { Writable } from 'node:stream';
import pino from 'pino';
import { testing } from '@virtrigaud/provider-sdk';
import { eventually } from '@virtrigaud/testing';
import { selfSignedCertificate } from '../simulator/certificate';
import {
  READONLY_TOKEN_ID,
  startSimulatedCluster,
  TOKEN_ID,
  USERNAME,
  type SimulatedCluster,
} from '../testing/fixture';
import { PveClient, type PveClientOptions } from './pve-client';
import { readTask, parseUpid } from './tasks';

const { providerErrorOf } = testing;

let cluster: SimulatedCluster;
const clients: PveClient[] = [];

beforeAll(async () => {
  cluster = await startSimulatedCluster();
});

afterAll(async () => {
  clients.forEach((client) => client.close());
  await cluster.stop();
});

function client(options: Partial<PveClientOptions> = {}): PveClient {
  const created = new PveClient({
    endpoint: cluster.sim.url,
    auth: { tokenId: TOKEN_ID, tokenSecret: cluster.tokenSecret },
    tls: { mode: 'verify', ca: cluster.certificate.cert },
    readRetries: 0,
    ...options,
  });
  clients.push(created);
  return created;
}

describe('TLS', () => {
  it('verifies the server against the configured CA', async () => {
    await expect(client().get('/version')).resolves.toMatchObject({ version: '9.1.3' });
  });

  it('refuses a server whose certificate no trusted CA signed', async () => {
    const err = await providerErrorOf(client({ tls: { mode: 'verify' } }).get('/version'));
    expect(err.code).toBe('UNAVAILABLE');
    expect(err.message).toMatch(/self-signed|certificate/i);
  });

  it('accepts the pinned SHA-256 fingerprint and refuses any other', async () => {
    await expect(
      client({ tls: { mode: 'fingerprint', sha256: cluster.certificate.fingerprint } }).get(
        '/version',
      ),
    ).resolves.toMatchObject({ release: '9.1' });
    const other = selfSignedCertificate().fingerprint;
    const seen = cluster.sim.requests.length;
    const err = await providerErrorOf(
      client({ tls: { mode: 'fingerprint', sha256: other } }).get('/version'),
    );
    expect(err.message).toMatch(/does not match endpointTLS.fingerprint/);
    // The refused connection never carried the request: the simulator saw nothing new.
    expect(cluster.sim.requests.length).toBe(seen);
  });
});

describe('authentication', () => {
  it('a wrong token secret is UNAUTHENTICATED and the secret is not in the error', async () => {
    const err = await providerErrorOf(
      client({ auth: { tokenId: TOKEN_ID, tokenSecret: 'wrong-secret-value' } }).get('/version'),
    );
    expect(err.code).toBe('UNAUTHENTICATED');
    expect(err.message).not.toContain('wrong-secret-value');
  });

  it('a read-only token may read but writing is PERMISSION_DENIED', async () => {
    const readonly = client({
      auth: { tokenId: READONLY_TOKEN_ID, tokenSecret: cluster.readonlyTokenSecret },
    });
    await expect(readonly.get('/cluster/resources', { type: 'vm' })).resolves.toEqual(
      expect.any(Array),
    );
    const err = await providerErrorOf(readonly.post('/nodes/pve1/qemu/9000/status/start'));
    expect(err.code).toBe('PERMISSION_DENIED');
  });

  it('logs in with username/password and renews an expired ticket transparently', async () => {
    const session = client({ auth: { username: USERNAME, password: cluster.password } });
    await session.get('/version');
    const issued = cluster.sim.auth.ticketsIssued;
    cluster.sim.auth.expireTickets();
    const vmid = await session.get<string>('/cluster/nextid');
    expect(Number(vmid)).toBeGreaterThanOrEqual(100);
    expect(cluster.sim.auth.ticketsIssued).toBe(issued + 1);
    expect(cluster.sim.requests.at(-3)).toMatchObject({
      status: 401,
      message: 'authentication failure',
    });
    expect(cluster.sim.requests.at(-2)).toMatchObject({
      path: '/api2/json/access/ticket',
      status: 200,
    });
  });

  it('renews the ticket before it expires without a failed request', async () => {
    const session = client({
      auth: { username: USERNAME, password: cluster.password },
      ticketRenewAfterMs: 0,
    });
    const before = cluster.sim.requests.filter((r) => r.status === 401).length;
    const issued = cluster.sim.auth.ticketsIssued;
    await session.get('/version');
    await session.get('/version');
    expect(cluster.sim.auth.ticketsIssued).toBe(issued + 2);
    expect(cluster.sim.requests.filter((r) => r.status === 401).length).toBe(before);
  });

  it('sends the CSRF token on writes with a ticket', async () => {
    const session = client({ auth: { username: USERNAME, password: cluster.password } });
    const err = await providerErrorOf(session.post('/nodes/pve1/qemu/999999/status/start'));
    // Got past authentication and CSRF: the VM just does not exist.
    expect(err.code).toBe('NOT_FOUND');
  });

  it('a wrong password is UNAUTHENTICATED, tried once, and never echoed', async () => {
    const logins = () =>
      cluster.sim.requests.filter((r) => r.path.endsWith('/access/ticket')).length;
    const before = logins();
    const err = await providerErrorOf(
      client({ auth: { username: USERNAME, password: 'not-the-password' } }).get('/version'),
    );
    expect(err.code).toBe('UNAUTHENTICATED');
    expect(err.message).not.toContain('not-the-password');
    expect(logins()).toBe(before + 1);
  });
});

describe('errors and encoding', () => {
  it('maps a 400 with per-parameter errors to INVALID_ARGUMENT naming the fields', async () => {
    const err = await providerErrorOf(
      client().post('/nodes/pve1/qemu/9000/clone', { newid: 42, colour: 'blue' }),
    );
    expect(err.code).toBe('INVALID_ARGUMENT');
    expect(err.message).toMatch(/newid: value must have a minimum value of 100/);
    expect(err.message).toMatch(/colour: property is not defined in schema/);
  });

  it('maps 501 (a method Proxmox does not have) to UNIMPLEMENTED', async () => {
    const err = await providerErrorOf(client().get('/nodes/pve1/qemu/100/no-such-thing'));
    expect(err.code).toBe('UNIMPLEMENTED');
  });

  it('retries reads on UNAVAILABLE but never writes', async () => {
    const unreachable = client({ endpoint: 'https://127.0.0.1:1', readRetries: 2, timeoutMs: 500 });
    const started = Date.now();
    const err = await providerErrorOf(unreachable.get('/version'));
    expect(err.code).toBe('UNAVAILABLE');
    expect(Date.now() - started).toBeGreaterThanOrEqual(300); // two backoffs: 100 + 200 ms
    const writeStarted = Date.now();
    await providerErrorOf(unreachable.post('/nodes/pve1/qemu/100/status/start'));
    expect(Date.now() - writeStarted).toBeLessThan(300);
  });

  it('encodes values with URLSearchParams: newlines, &, = and spaces arrive intact', async () => {
    const api = client();
    const description = 'line one\nsecond & third = "quoted"';
    const upid = await api.post<string>('/nodes/pve1/qemu/9000/clone', {
      newid: 777,
      name: 'encoding-check',
      description,
    });
    await waitUntilDone(api, upid);
    const config = await api.get<{ description: string }>('/nodes/pve1/qemu/777/config');
    expect(config.description).toBe(description);
    await waitUntilDone(api, await api.delete<string>('/nodes/pve1/qemu/777', { purge: true }));
  });

  it('keeps the token secret out of debug logs', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const api = client({ log: pino({ level: 'debug' }, sink) });
    await api.get('/version');
    await providerErrorOf(api.get('/nodes/pve1/qemu/424242/config'));
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join('')).not.toContain(cluster.tokenSecret);
  });
});

const waitUntilDone = (api: PveClient, upid: string) =>
  eventually(`task ${upid} done`, async () => (await readTask(api, parseUpid(upid)!)).done);

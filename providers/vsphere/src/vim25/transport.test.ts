// The HTTPS transport against a local TLS server (a throwaway self-signed certificate), for what
// vcsim cannot do: answer with more than any SOAP response should hold.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { testing } from '@virtrigaud/provider-sdk';
import { HttpsTransport } from './transport';

const { providerErrorOf } = testing;

let server: https.Server;
let url: URL;
let certificate: string;

beforeAll(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vim25-transport-'));
  execFileSync(
    'openssl',
    [
      ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'],
      ...['-keyout', 'key.pem', '-out', 'cert.pem', '-days', '1', '-subj', '/CN=localhost'],
      ...['-addext', 'subjectAltName=IP:127.0.0.1'],
    ],
    { cwd: dir, stdio: 'pipe' },
  );
  certificate = fs.readFileSync(path.join(dir, 'cert.pem'), 'utf8');
  server = https.createServer(
    { cert: certificate, key: fs.readFileSync(path.join(dir, 'key.pem')) },
    (req, res) => {
      req.resume();
      const size = Number(new URL(req.url!, 'https://x').searchParams.get('bytes'));
      res.writeHead(200, { 'Content-Type': 'text/xml' });
      const chunk = Buffer.alloc(64 * 1024, 'a');
      let sent = 0;
      const pump = () => {
        while (sent < size) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      res.on('error', () => undefined);
      pump();
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = new URL(`https://127.0.0.1:${(server.address() as AddressInfo).port}/sdk`);
  fs.rmSync(dir, { recursive: true, force: true });
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function transportFor(bytes: number, maxResponseBytes?: number) {
  const target = new URL(url);
  target.searchParams.set('bytes', String(bytes));
  return new HttpsTransport(target, { mode: 'verify', ca: certificate }, maxResponseBytes);
}

it('reads a response within the cap', async () => {
  const transport = transportFor(256 * 1024, 1024 * 1024);
  try {
    expect((await transport.post('<x/>', {})).body.length).toBe(256 * 1024);
  } finally {
    transport.close();
  }
});

it('stops reading a response larger than the cap and fails the call', async () => {
  const transport = transportFor(8 * 1024 * 1024, 1024 * 1024);
  try {
    const err = await providerErrorOf(transport.post('<x/>', {}));
    expect(err.code).toBe('UNAVAILABLE');
    expect(err.message).toContain('larger than 1048576 bytes');
  } finally {
    transport.close();
  }
});

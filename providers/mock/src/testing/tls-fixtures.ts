// Throwaway PKI for the TLS tests, made with the openssl CLI (argument arrays, no shell): a CA, a
// server certificate for localhost/127.0.0.1 and a client certificate, in the file layout the
// operator mounts (tls.crt, tls.key, ca.crt).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface Pki {
  dir: string;
  ca: Buffer;
  server: { cert: Buffer; key: Buffer };
  client: { cert: Buffer; key: Buffer };
  /** A directory with tls.crt, tls.key and ca.crt (mutual TLS). */
  mutualDir: string;
  /** A directory with tls.crt and tls.key only (server TLS). */
  serverOnlyDir: string;
}

const openssl = (dir: string, args: string[]) =>
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });

/** `openssl req` arguments for a new unencrypted P-256 key: the CA's and every certificate's. */
const NEW_P256_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

function issue(dir: string, name: string, subject: string, extensions: string): void {
  fs.writeFileSync(path.join(dir, `${name}.ext`), extensions);
  openssl(dir, [
    'req',
    ...NEW_P256_KEY,
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.csr`,
    '-subj',
    subject,
  ]);
  openssl(dir, [
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-days',
    '2',
    '-out',
    `${name}.crt`,
    '-extfile',
    `${name}.ext`,
  ]);
}

export function makePki(): Pki {
  execFileSync(path.join(__dirname, '..', '..', 'scripts', 'ensure-openssl.sh'), {
    stdio: 'inherit',
  });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'virtrigaud-pki-'));
  openssl(dir, [
    'req',
    '-x509',
    ...NEW_P256_KEY,
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-days',
    '2',
    '-subj',
    '/CN=virtrigaud-test-ca',
  ]);
  issue(
    dir,
    'server',
    '/CN=localhost',
    'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n',
  );
  issue(dir, 'client', '/CN=virtrigaud-manager', 'extendedKeyUsage=clientAuth\n');
  const read = (file: string) => fs.readFileSync(path.join(dir, file));
  const layout = (name: string, withCa: boolean) => {
    const target = path.join(dir, name);
    fs.mkdirSync(target);
    fs.copyFileSync(path.join(dir, 'server.crt'), path.join(target, 'tls.crt'));
    fs.copyFileSync(path.join(dir, 'server.key'), path.join(target, 'tls.key'));
    if (withCa) fs.copyFileSync(path.join(dir, 'ca.crt'), path.join(target, 'ca.crt'));
    return target;
  };
  return {
    dir,
    ca: read('ca.crt'),
    server: { cert: read('server.crt'), key: read('server.key') },
    client: { cert: read('client.crt'), key: read('client.key') },
    mutualDir: layout('mutual', true),
    serverOnlyDir: layout('server-only', false),
  };
}

// Throwaway PKI for the TLS tests, made with the openssl CLI (argument arrays, no shell): a CA, a
// server certificate for localhost/127.0.0.1 (usable as a client too, as certificates without
// extended key usages are), the manager's client certificate, another client certificate from the
// same CA, and a certificate from a foreign CA, in the file layout the operator mounts (tls.crt,
// tls.key, ca.crt).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface Pki {
  dir: string;
  ca: Buffer;
  server: { cert: Buffer; key: Buffer };
  /** The manager's client certificate (SAN MANAGER_IDENTITY). */
  client: { cert: Buffer; key: Buffer };
  /** Issued by the same CA for another workload (SAN OTHER_IDENTITY). */
  other: { cert: Buffer; key: Buffer };
  /** Issued by a CA the provider does not trust, with the manager's SAN. */
  foreign: { cert: Buffer; key: Buffer };
  /** A directory with tls.crt, tls.key and ca.crt (mutual TLS). */
  mutualDir: string;
  /** A directory with tls.crt and tls.key only (server TLS). */
  serverOnlyDir: string;
}

export const MANAGER_IDENTITY =
  'URI:spiffe://cluster.local/ns/virtrigaud-system/sa/virtrigaud-manager';
export const OTHER_IDENTITY = 'URI:spiffe://cluster.local/ns/default/sa/someone-else';

const openssl = (dir: string, args: string[]) =>
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });

/** `openssl req` arguments for a new unencrypted P-256 key: the CA's and every certificate's. */
const NEW_P256_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

function newCa(dir: string, name: string): void {
  openssl(dir, [
    'req',
    '-x509',
    ...NEW_P256_KEY,
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.crt`,
    '-days',
    '2',
    '-subj',
    `/CN=virtrigaud-test-${name}`,
  ]);
}

function issue(dir: string, name: string, subject: string, extensions: string, ca = 'ca'): void {
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
    `${ca}.crt`,
    '-CAkey',
    `${ca}.key`,
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
  newCa(dir, 'ca');
  newCa(dir, 'foreign-ca');
  issue(
    dir,
    'server',
    '/CN=localhost',
    'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n',
  );
  const clientExtensions = (identity: string) =>
    `subjectAltName=${identity}\nextendedKeyUsage=clientAuth\n`;
  issue(dir, 'client', '/CN=virtrigaud-manager', clientExtensions(MANAGER_IDENTITY));
  issue(dir, 'other', '/CN=someone-else', clientExtensions(OTHER_IDENTITY));
  issue(dir, 'foreign', '/CN=virtrigaud-manager', clientExtensions(MANAGER_IDENTITY), 'foreign-ca');
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
    other: { cert: read('other.crt'), key: read('other.key') },
    foreign: { cert: read('foreign.crt'), key: read('foreign.key') },
    mutualDir: layout('mutual', true),
    serverOnlyDir: layout('server-only', false),
  };
}

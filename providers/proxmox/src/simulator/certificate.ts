// A throwaway self-signed certificate for the simulator, made with the openssl CLI (present on
// Debian), so tests exercise real TLS verification: by CA file, by SHA-256 fingerprint pin, and
// the rejection of an unknown certificate.
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface TestCertificate {
  cert: string;
  key: string;
  /** SHA-256 fingerprint in Proxmox's `AA:BB:...` form. */
  fingerprint: string;
}

export function selfSignedCertificate(commonName = '127.0.0.1'): TestCertificate {
  const dir = mkdtempSync(path.join(tmpdir(), 'pve-sim-cert-'));
  try {
    const keyFile = path.join(dir, 'key.pem');
    const certFile = path.join(dir, 'cert.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '2',
        '-subj',
        `/CN=${commonName}`,
        '-addext',
        'subjectAltName=IP:127.0.0.1,DNS:localhost',
        '-keyout',
        keyFile,
        '-out',
        certFile,
      ],
      { stdio: 'pipe' },
    );
    const cert = readFileSync(certFile, 'utf8');
    return {
      cert,
      key: readFileSync(keyFile, 'utf8'),
      fingerprint: new X509Certificate(cert).fingerprint256,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

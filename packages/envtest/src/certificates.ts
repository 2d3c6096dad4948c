// The control plane's own PKI, made fresh for every start: a CA (also the client CA), a serving
// certificate for 127.0.0.1/localhost signed by it, and the RSA key pair that signs and verifies
// ServiceAccount tokens. openssl is run with argument arrays, never through a shell.
import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const openssl = (args: string[]) => promisify(execFile)('openssl', args);

export interface Certificates {
  caCert: string;
  servingCert: string;
  servingKey: string;
  serviceAccountPublicKey: string;
  serviceAccountPrivateKey: string;
}

export async function makeCertificates(dir: string): Promise<Certificates> {
  const file = (name: string) => path.join(dir, name);
  const certs: Certificates = {
    caCert: file('ca.crt'),
    servingCert: file('serving.crt'),
    servingKey: file('serving.key'),
    serviceAccountPublicKey: file('service-account.pub'),
    serviceAccountPrivateKey: file('service-account.key'),
  };
  const caKey = file('ca.key');
  // EC keys for the TLS certificates: generated in milliseconds, where RSA takes noticeably longer.
  const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await openssl([
    'req',
    '-x509',
    ...ecKey,
    '-keyout',
    caKey,
    '-out',
    certs.caCert,
    '-days',
    '2',
    '-subj',
    '/CN=virtrigaud-envtest-ca',
  ]);
  await openssl([
    'req',
    '-x509',
    ...ecKey,
    '-keyout',
    certs.servingKey,
    '-out',
    certs.servingCert,
    '-CA',
    certs.caCert,
    '-CAkey',
    caKey,
    '-days',
    '2',
    '-subj',
    '/CN=kube-apiserver',
    '-addext',
    'subjectAltName=IP:127.0.0.1,DNS:localhost',
  ]);
  const { publicKey, privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  fs.writeFileSync(
    certs.serviceAccountPublicKey,
    publicKey.export({ type: 'spki', format: 'pem' }),
  );
  fs.writeFileSync(
    certs.serviceAccountPrivateKey,
    privateKey.export({ type: 'pkcs8', format: 'pem' }),
    { mode: 0o600 },
  );
  return certs;
}

import { tlsFingerprint, type TlsMaterial } from './provider-gateway';

describe('tlsFingerprint', () => {
  const material = (cert: string): TlsMaterial => ({
    ca: Buffer.from('ca-pem'),
    cert: Buffer.from(cert),
    key: Buffer.from('key-pem'),
    serverName: 'virtrigaud-provider-p.default.svc',
  });

  it('changes when a certificate is renewed with one of the same length', () => {
    expect(tlsFingerprint(material('cert-AAAA'))).not.toBe(tlsFingerprint(material('cert-BBBB')));
  });

  it('stays the same for the same material, so channels are kept', () => {
    expect(tlsFingerprint(material('cert-AAAA'))).toBe(tlsFingerprint(material('cert-AAAA')));
  });
});

import type { PeerCertificate } from 'node:tls';
import { peerIdentities } from '../runtime/client-authorization';

const withSans = (subjectaltname: string) => ({ subjectaltname }) as PeerCertificate;

describe('peerIdentities', () => {
  it('lists every SAN as kind:value', () => {
    expect(
      peerIdentities(withSans('DNS:a.example, URI:spiffe://td/ns/x/sa/y, IP Address:10.0.0.1')),
    ).toEqual(['DNS:a.example', 'URI:spiffe://td/ns/x/sa/y', 'IP Address:10.0.0.1']);
  });

  it('keeps a quoted value whole, so a comma cannot smuggle in a second identity', () => {
    expect(peerIdentities(withSans('URI:"spiffe://td/a, URI:spiffe://td/admin"'))).toEqual([
      'URI:spiffe://td/a, URI:spiffe://td/admin',
    ]);
  });

  it('has no identities without a certificate', () => {
    expect(peerIdentities(undefined)).toEqual([]);
  });
});

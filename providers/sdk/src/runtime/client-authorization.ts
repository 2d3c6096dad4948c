// Who may call the provider under mutual TLS. The TLS handshake proves a client holds a
// certificate from the trusted CA; that alone cannot tell the manager from a provider (whose own
// certificate comes from the same CA) or from any other workload the CA serves. So every call,
// on every service, is also checked against an allow-list of exact subject alternative names
// (e.g. `URI:spiffe://cluster.local/ns/virtrigaud-system/sa/virtrigaud-manager`), and refused
// with PERMISSION_DENIED otherwise. No wildcards: an identity is admitted by name or not at all.
import {
  ServerInterceptingCall,
  status,
  type ServerInterceptor,
  type ServerListener,
} from '@grpc/grpc-js';
import type { PeerCertificate } from 'node:tls';

/** SAN kinds as Node prints them in `subjectaltname`. */
const IDENTITY_KINDS = ['URI', 'DNS', 'email', 'IP Address'] as const;

/** Throws naming `setting` unless every entry is `<kind>:<value>` with a known kind, no wildcard. */
export function checkClientIdentities(setting: string, identities: readonly string[]): string[] {
  return identities.map((identity, i) => {
    const kind = IDENTITY_KINDS.find((k) => identity.startsWith(`${k}:`));
    if (!kind || identity.length === kind.length + 1)
      throw new Error(
        `${setting}[${i}]: "${identity}" must be a subject alternative name such as URI:spiffe://... or DNS:name (kinds: ${IDENTITY_KINDS.join(', ')})`,
      );
    if (identity.includes('*'))
      throw new Error(`${setting}[${i}]: "${identity}" must name one identity, without wildcards`);
    return identity;
  });
}

/**
 * The SANs of a peer certificate, `kind:value` each. Node quotes a value holding a comma or quote
 * as a JSON string, so entries are split outside quotes only.
 */
export function peerIdentities(certificate: PeerCertificate | undefined): string[] {
  const text = certificate?.subjectaltname;
  if (!text) return [];
  const entries = text.match(/[^:,]+:(?:"(?:[^"\\]|\\.)*"|[^,]*)/g) ?? [];
  return entries.map((entry) => {
    const trimmed = entry.trim();
    const colon = trimmed.indexOf(':');
    const value = trimmed.slice(colon + 1);
    return `${trimmed.slice(0, colon)}:${value.startsWith('"') ? (JSON.parse(value) as string) : value}`;
  });
}

/** A server interceptor admitting only callers whose certificate carries an allowed SAN. */
export function clientAuthorization(allowed: readonly string[]): ServerInterceptor {
  const admitted = new Set(allowed);
  return (_method, call) =>
    new ServerInterceptingCall(call, {
      start: (next) => {
        const listener: ServerListener = {
          onReceiveMetadata: (metadata, proceed) => {
            const peer = call.getAuthContext().sslPeerCertificate;
            if (peerIdentities(peer).some((id) => admitted.has(id))) proceed(metadata);
            else
              call.sendStatus({
                code: status.PERMISSION_DENIED,
                details: 'the client certificate names no identity this provider admits',
              });
          },
        };
        next(listener);
      },
    });
}

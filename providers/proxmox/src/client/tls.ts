// The HTTPS agent for the Proxmox endpoint, following the Provider's endpointTLS: the system CAs or
// a given CA bundle by default (Proxmox nodes usually carry a certificate of the cluster's own
// CA), a pinned SHA-256 fingerprint (what the Proxmox GUI shows under Certificates), or no
// verification only when insecureSkipVerify says so.
import { X509Certificate } from 'node:crypto';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';

export type TlsPolicy =
  { mode: 'verify'; ca?: string } | { mode: 'fingerprint'; sha256: string } | { mode: 'insecure' };

/** `AA:BB:...` or plain hex SHA-256 → `AA:BB:...` upper case, or an error naming the field. */
export function normaliseFingerprint(value: string): string {
  const hex = value.replace(/[:\s]/g, '').toUpperCase();
  if (!/^[0-9A-F]{64}$/.test(hex)) {
    throw new Error('endpointTLS.fingerprint: expected a SHA-256 fingerprint (AA:BB:... 32 bytes)');
  }
  return hex.match(/../g)!.join(':');
}

/**
 * Hands a socket to HTTP only once the server certificate matched the pin, so no request byte
 * (and no credential) ever reaches a server with another certificate. The chain is not verified:
 * the pin replaces it, as for a self-signed certificate.
 */
class PinnedAgent extends https.Agent {
  constructor(private readonly fingerprint: string) {
    super({ keepAlive: true, rejectUnauthorized: false });
  }

  override createConnection(
    options: tls.ConnectionOptions,
    callback?: (err: Error | null, socket: Duplex) => void,
  ): Duplex | undefined {
    const socket = tls.connect({ ...options, rejectUnauthorized: false });
    const onError = (err: Error) => callback?.(err, socket);
    socket.once('error', onError);
    socket.once('secureConnect', () => {
      socket.off('error', onError);
      const certificate = socket.getPeerX509Certificate() as X509Certificate | undefined;
      if (certificate?.fingerprint256 !== this.fingerprint) {
        socket.destroy();
        callback?.(new Error('server certificate does not match endpointTLS.fingerprint'), socket);
        return;
      }
      callback?.(null, socket);
    });
    return undefined;
  }
}

export function createAgent(policy: TlsPolicy): https.Agent {
  switch (policy.mode) {
    case 'verify':
      return new https.Agent({ keepAlive: true, ca: policy.ca, rejectUnauthorized: true });
    case 'fingerprint':
      return new PinnedAgent(normaliseFingerprint(policy.sha256));
    case 'insecure':
      return new https.Agent({ keepAlive: true, rejectUnauthorized: false });
  }
}

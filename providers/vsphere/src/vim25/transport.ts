// HTTPS to the vim25 endpoint with the TLS policy of the Provider: verification against the system
// or a given CA bundle by default, certificate pinning by fingerprint, or no verification only
// when explicitly requested. Connections are kept alive (vCenter handshakes are expensive).
import { createHash, X509Certificate } from 'node:crypto';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';
import { unavailable } from '@virtrigaud/provider-sdk';

export type TlsPolicy =
  | { mode: 'verify'; ca?: string }
  | { mode: 'fingerprint'; fingerprint: string }
  | { mode: 'insecure' };

export interface HttpResponse {
  status: number;
  body: string;
  setCookie: string[];
}

/** Normalises "AB:CD:..." / "abcd..." SHA-1 or SHA-256 fingerprints to lowercase hex. */
export function normaliseFingerprint(value: string): string {
  const hex = value.replace(/[:\s]/g, '').toLowerCase();
  if (!/^([0-9a-f]{40}|[0-9a-f]{64})$/.test(hex)) {
    throw new Error('endpointTLS.fingerprint: expected a SHA-1 or SHA-256 hex fingerprint');
  }
  return hex;
}

function certificateMatches(raw: Buffer, pinned: string): boolean {
  const algorithm = pinned.length === 40 ? 'sha1' : 'sha256';
  return createHash(algorithm).update(raw).digest('hex') === pinned;
}

/**
 * An agent whose sockets are handed to http only after the server certificate matched the pin:
 * with a self-signed certificate chain verification cannot succeed, so it is replaced by the pin.
 */
class PinnedAgent extends https.Agent {
  private readonly pinned: string;

  constructor(fingerprint: string) {
    super({ keepAlive: true, rejectUnauthorized: false });
    this.pinned = normaliseFingerprint(fingerprint);
  }

  override createConnection(
    options: tls.ConnectionOptions,
    callback?: (err: Error | null, socket: Duplex) => void,
  ): Duplex | undefined {
    const socket = tls.connect({ ...options, rejectUnauthorized: false });
    socket.once('secureConnect', () => {
      const certificate = socket.getPeerX509Certificate() as X509Certificate | undefined;
      if (!certificate || !certificateMatches(certificate.raw, this.pinned)) {
        socket.destroy();
        callback?.(new Error('server certificate does not match endpointTLS.fingerprint'), socket);
        return;
      }
      callback?.(null, socket);
    });
    socket.once('error', (err) => callback?.(err, socket));
    return undefined;
  }
}

function createAgent(policy: TlsPolicy): https.Agent {
  switch (policy.mode) {
    case 'verify':
      return new https.Agent({ keepAlive: true, ca: policy.ca, rejectUnauthorized: true });
    case 'fingerprint':
      return new PinnedAgent(policy.fingerprint);
    case 'insecure':
      return new https.Agent({ keepAlive: true, rejectUnauthorized: false });
  }
}

/**
 * The most a SOAP response may hold. The largest answers (a RetrievePropertiesEx page of a big
 * inventory) stay well below it; a vCenter, or anything impersonating one, sending more would
 * otherwise grow the provider's memory without bound.
 */
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

export class HttpsTransport {
  private readonly agent: https.Agent;

  constructor(
    private readonly url: URL,
    policy: TlsPolicy,
    private readonly maxResponseBytes = DEFAULT_MAX_RESPONSE_BYTES,
  ) {
    this.agent = createAgent(policy);
  }

  /** POSTs a SOAP body. Network and TLS failures become UNAVAILABLE (retryable). */
  post(body: string, headers: Record<string, string>, signal?: AbortSignal): Promise<HttpResponse> {
    return new Promise((resolve, reject) => {
      const request = https.request(
        this.url,
        {
          method: 'POST',
          agent: this.agent,
          signal,
          headers: {
            'Content-Type': 'text/xml; charset=utf-8',
            'Content-Length': Buffer.byteLength(body),
            ...headers,
          },
        },
        (response) => {
          const chunks: Buffer[] = [];
          let received = 0;
          response.on('data', (chunk: Buffer) => {
            received += chunk.length;
            if (received <= this.maxResponseBytes) return void chunks.push(chunk);
            chunks.length = 0;
            reject(
              unavailable(
                `vCenter ${this.url.host} sent a response larger than ${this.maxResponseBytes} bytes`,
              ),
            );
            request.destroy();
          });
          response.on('error', (err) => reject(this.networkError(err)));
          response.on('end', () =>
            resolve({
              status: response.statusCode ?? 0,
              body: Buffer.concat(chunks).toString('utf8'),
              setCookie: response.headers['set-cookie'] ?? [],
            }),
          );
        },
      );
      request.on('error', (err) =>
        reject(signal?.aborted ? signal.reason : this.networkError(err)),
      );
      request.end(body);
    });
  }

  private networkError(err: Error): Error {
    return unavailable(`vCenter ${this.url.host} unreachable: ${err.message}`);
  }

  close(): void {
    this.agent.destroy();
  }
}

// A promise-based provider.v1 client with a deadline on every call and the correlation id in
// metadata. Used by the operator and the conformance suite; the generated callback client stays
// reachable as `raw` for anything special.
import { credentials, Metadata, type ChannelCredentials, type ServiceError } from '@grpc/grpc-js';
import { ProviderClient, ProviderService } from '@virtrigaud/proto';
import { randomUUID } from 'node:crypto';
import { createHealthClient, type HealthClient } from './health-client';

type Rpcs = typeof ProviderService;
export type ProviderRpc = keyof Rpcs;
export type RpcRequest<K extends ProviderRpc> = Parameters<Rpcs[K]['requestSerialize']>[0];
export type RpcResponse<K extends ProviderRpc> = ReturnType<Rpcs[K]['responseDeserialize']>;

export interface ClientTlsOptions {
  /** CA that issued the provider's certificate; system roots when absent. */
  ca?: Buffer;
  /** Client certificate and key, for mutual TLS. */
  cert?: Buffer;
  key?: Buffer;
  /** Name the provider's certificate is issued for, when it differs from the address host. */
  serverName?: string;
}

export interface ProviderClientOptions {
  /** TLS (or mutual TLS when cert/key are given); plaintext when absent. */
  tls?: ClientTlsOptions;
  /** Deadline of every call unless the call gives its own (default 30 s). */
  deadlineMs?: number;
}

export interface CallOptions {
  deadlineMs?: number;
  /** Sent as `x-correlation-id`; a fresh id when absent. */
  correlationId?: string;
}

/** One promise-returning method per RPC; request fields left out take their proto defaults. */
export type TypedProviderClient = {
  [K in ProviderRpc]: (
    request?: Partial<RpcRequest<K>>,
    options?: CallOptions,
  ) => Promise<RpcResponse<K>>;
} & {
  /** grpc.health.v1 Check for `service` ("" = whole server). */
  health(service?: string, options?: CallOptions): Promise<string>;
  readonly raw: ProviderClient;
  close(): void;
};

export const CORRELATION_ID_HEADER = 'x-correlation-id';
const DEFAULT_DEADLINE_MS = 30_000;

export function channelCredentials(tls?: ClientTlsOptions): ChannelCredentials {
  if (!tls) return credentials.createInsecure();
  return credentials.createSsl(tls.ca ?? null, tls.key ?? null, tls.cert ?? null);
}

function channelOptions(tls?: ClientTlsOptions): Record<string, string> {
  return tls?.serverName ? { 'grpc.ssl_target_name_override': tls.serverName } : {};
}

export function callMetadata(correlationId?: string): Metadata {
  const metadata = new Metadata();
  metadata.set(CORRELATION_ID_HEADER, correlationId ?? randomUUID());
  return metadata;
}

type UnaryMethod = (
  request: unknown,
  metadata: Metadata,
  options: { deadline: Date },
  callback: (err: ServiceError | null, response: unknown) => void,
) => void;

export function createProviderClient(
  address: string,
  options: ProviderClientOptions = {},
): TypedProviderClient {
  const creds = channelCredentials(options.tls);
  const raw = new ProviderClient(address, creds, channelOptions(options.tls));
  const health: HealthClient = createHealthClient(address, creds, channelOptions(options.tls));
  const defaultDeadline = options.deadlineMs ?? DEFAULT_DEADLINE_MS;
  const deadline = (call?: CallOptions) =>
    new Date(Date.now() + (call?.deadlineMs ?? defaultDeadline));

  const client: Record<string, unknown> = {
    raw,
    close: () => {
      health.close();
      raw.close();
    },
    health: (service = '', call?: CallOptions) =>
      health.check(service, callMetadata(call?.correlationId), deadline(call)),
  };
  for (const rpc of Object.keys(ProviderService) as ProviderRpc[]) {
    const definition = ProviderService[rpc];
    const method = (raw[rpc] as unknown as UnaryMethod).bind(raw);
    client[rpc] = (request: Record<string, unknown> = {}, call?: CallOptions) => {
      // Decoding an empty message gives every field its proto default; the caller's fields win.
      const full = Object.assign(definition.requestDeserialize(Buffer.alloc(0)), request);
      return new Promise((resolve, reject) =>
        method(full, callMetadata(call?.correlationId), { deadline: deadline(call) }, (err, res) =>
          err ? reject(err) : resolve(res),
        ),
      );
    };
  }
  return client as TypedProviderClient;
}

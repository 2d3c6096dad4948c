// Every gRPC call from the manager to a provider goes through here: one channel per replica
// address, round robin over the Provider's ready replicas, a repeat on another replica when a
// replica vanishes under an idempotent call (retry-policy.ts), a deadline on every call (shared by
// its attempts), the correlation id in metadata, the per-provider circuit breaker, and metrics.
// Controllers see typed promises and ProviderCallError/CircuitOpenError.
import {
  connectivityState,
  credentials,
  Metadata,
  type ChannelCredentials,
  type ServiceError,
} from '@grpc/grpc-js';
import {
  ProviderClient,
  type CloneRequest,
  type CloneResponse,
  type CreateRequest,
  type CreateResponse,
  type DeleteRequest,
  type DescribeRequest,
  type DescribeResponse,
  type GetCapabilitiesRequest,
  type GetCapabilitiesResponse,
  type PowerRequest,
  type ReconfigureRequest,
  type SnapshotCreateRequest,
  type SnapshotCreateResponse,
  type SnapshotDeleteRequest,
  type SnapshotRevertRequest,
  type TaskResponse,
  type TaskStatusRequest,
  type TaskStatusResponse,
  type ValidateRequest,
  type ValidateResponse,
} from '@virtrigaud/proto';
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { ManagerMetrics } from '../observability/metrics';
import { CircuitBreaker, DEFAULT_BREAKER, type CircuitBreakerOptions } from './circuit-breaker';
import { toProviderCallError, type ProviderCallError } from './errors';
import { retryOnAnotherReplica } from './retry-policy';
import { RoundRobin } from './round-robin';

interface Calls {
  validate: [ValidateRequest, ValidateResponse];
  getCapabilities: [GetCapabilitiesRequest, GetCapabilitiesResponse];
  create: [CreateRequest, CreateResponse];
  delete: [DeleteRequest, TaskResponse];
  power: [PowerRequest, TaskResponse];
  reconfigure: [ReconfigureRequest, TaskResponse];
  describe: [DescribeRequest, DescribeResponse];
  taskStatus: [TaskStatusRequest, TaskStatusResponse];
  snapshotCreate: [SnapshotCreateRequest, SnapshotCreateResponse];
  snapshotDelete: [SnapshotDeleteRequest, TaskResponse];
  snapshotRevert: [SnapshotRevertRequest, TaskResponse];
  clone: [CloneRequest, CloneResponse];
}
export type ProviderMethod = keyof Calls;
export type ProviderRequest<M extends ProviderMethod> = Calls[M][0];
export type ProviderResponse<M extends ProviderMethod> = Calls[M][1];
/** Calls to one provider on behalf of one reconcile (same endpoint and correlation id). */
export type ProviderCall = <M extends ProviderMethod>(
  method: M,
  request: ProviderRequest<M>,
) => Promise<ProviderResponse<M>>;

/** Deadlines per method: reads are short, mutations return a task quickly on every backend. */
export const DEFAULT_DEADLINES_MS: Record<ProviderMethod, number> = {
  validate: 5_000,
  getCapabilities: 5_000,
  describe: 10_000,
  taskStatus: 10_000,
  create: 60_000,
  delete: 60_000,
  power: 30_000,
  reconfigure: 60_000,
  snapshotCreate: 60_000,
  snapshotDelete: 60_000,
  snapshotRevert: 60_000,
  clone: 60_000,
};

export interface TlsMaterial {
  /** CA that issued the provider's certificate. */
  ca: Buffer;
  /** The manager's own client certificate and key (never a provider's). */
  cert?: Buffer;
  key?: Buffer;
  /** Name the provider certificate is issued for (the Service DNS name). */
  serverName: string;
}

export interface ProviderEndpoint {
  /** namespace/name of the Provider. */
  key: string;
  /** The Service's address (shown in status; dialled when `replicas` is absent). */
  address: string;
  /** The ready replicas' addresses to balance over (from the Service's endpoints). */
  replicas?: readonly string[];
  tls?: TlsMaterial;
}

export interface CallOptions {
  correlationId: string;
  deadlineMs?: number;
  /** Health probes pass an open breaker: they are how recovery is noticed. */
  probe?: boolean;
}

interface Channel {
  tlsFingerprint: string;
  client: ProviderClient;
}

/** The channels and the rotation of one Provider. */
interface ProviderChannels {
  byAddress: Map<string, Channel>;
  rotation: RoundRobin;
}

export interface GatewayOptions {
  metrics: ManagerMetrics;
  log: Logger;
  breaker?: CircuitBreakerOptions;
  /** Multiplies every default deadline (tests shorten them, slow hypervisors lengthen them). */
  deadlineScale?: number;
}

export class ProviderGateway {
  private readonly providers = new Map<string, ProviderChannels>();
  private readonly breakers = new Map<string, CircuitBreaker>();

  constructor(private readonly options: GatewayOptions) {}

  breaker(providerKey: string): CircuitBreaker {
    let breaker = this.breakers.get(providerKey);
    if (!breaker) {
      breaker = new CircuitBreaker(providerKey, this.options.breaker ?? DEFAULT_BREAKER, (open) => {
        this.options.metrics.circuitOpen.set({ provider: providerKey }, open ? 1 : 0);
        this.options.log.warn({ provider: providerKey, open }, 'provider circuit breaker changed');
      });
      this.breakers.set(providerKey, breaker);
    }
    return breaker;
  }

  async call<M extends ProviderMethod>(
    endpoint: ProviderEndpoint,
    method: M,
    request: Calls[M][0],
    options: CallOptions,
  ): Promise<Calls[M][1]> {
    const breaker = this.breaker(endpoint.key);
    if (!options.probe) breaker.admit();
    const metadata = new Metadata();
    metadata.set('x-correlation-id', options.correlationId);
    const deadlineMs =
      options.deadlineMs ?? DEFAULT_DEADLINES_MS[method] * (this.options.deadlineScale ?? 1);
    const deadline = new Date(Date.now() + deadlineMs);
    const { metrics } = this.options;
    const end = metrics.providerCallDuration.startTimer({ provider: endpoint.key, method });
    try {
      const response = await this.attempts<Calls[M][1]>(endpoint, method, request, {
        metadata,
        deadline,
      });
      breaker.recordSuccess();
      metrics.providerCalls.inc({ provider: endpoint.key, method, code: 'OK' });
      return response;
    } catch (err) {
      const callError = err as ProviderCallError;
      if (callError.isTransport) breaker.recordFailure();
      else breaker.recordSuccess();
      metrics.providerCalls.inc({ provider: endpoint.key, method, code: callError.codeName });
      throw callError;
    } finally {
      end();
    }
  }

  bind(endpoint: ProviderEndpoint, options: CallOptions): ProviderCall {
    return (method, request) => this.call(endpoint, method, request, options);
  }

  /** Drops the channels of a Provider that was deleted. */
  forget(providerKey: string): void {
    for (const channel of this.providers.get(providerKey)?.byAddress.values() ?? [])
      channel.client.close();
    this.providers.delete(providerKey);
    this.breakers.delete(providerKey);
  }

  close(): void {
    for (const key of [...this.providers.keys()]) this.forget(key);
  }

  /** One call: a replica in rotation, then (idempotent calls only) the others it has not tried. */
  private async attempts<Res>(
    endpoint: ProviderEndpoint,
    method: ProviderMethod,
    request: unknown,
    call: { metadata: Metadata; deadline: Date },
  ): Promise<Res> {
    const addresses = replicaAddresses(endpoint);
    const channels = this.channels(endpoint.key, addresses);
    const tried = new Set<string>();
    for (;;) {
      const address = channels.rotation.pick(addresses, tried, (a) => {
        const channel = channels.byAddress.get(a);
        return !channel || isConnectable(channel.client);
      })!;
      tried.add(address);
      try {
        const client = this.client(channels, address, endpoint.tls);
        return await invoke<Res>(client, method, request, call.metadata, call.deadline);
      } catch (err) {
        const callError = toProviderCallError(endpoint.key, method, err as ServiceError);
        const another = tried.size < addresses.length && Date.now() < call.deadline.getTime();
        if (!another || !retryOnAnotherReplica(method, request, callError.code)) throw callError;
        this.options.log.info(
          { provider: endpoint.key, method, replica: address, code: callError.codeName },
          'provider replica failed an idempotent call: repeating it on another replica',
        );
      }
    }
  }

  /** The Provider's channels; those of replicas that left the endpoints are closed. */
  private channels(providerKey: string, addresses: readonly string[]): ProviderChannels {
    let channels = this.providers.get(providerKey);
    if (!channels) {
      channels = { byAddress: new Map(), rotation: new RoundRobin() };
      this.providers.set(providerKey, channels);
    }
    for (const [address, channel] of channels.byAddress) {
      if (addresses.includes(address)) continue;
      channel.client.close();
      channels.byAddress.delete(address);
    }
    return channels;
  }

  private client(
    channels: ProviderChannels,
    address: string,
    tls: TlsMaterial | undefined,
  ): ProviderClient {
    const fingerprint = tlsFingerprint(tls);
    const existing = channels.byAddress.get(address);
    if (existing?.tlsFingerprint === fingerprint) return existing.client;
    existing?.client.close();
    const client = new ProviderClient(address, channelCredentials(tls), {
      ...(tls ? { 'grpc.ssl_target_name_override': tls.serverName } : {}),
      'grpc.keepalive_time_ms': 30_000,
      'grpc.initial_reconnect_backoff_ms': 200,
      'grpc.max_reconnect_backoff_ms': 5_000,
    });
    channels.byAddress.set(address, { tlsFingerprint: fingerprint, client });
    return client;
  }
}

/**
 * Identifies the TLS material a channel was made with: a rotated CA, certificate or key (even of
 * the same length, as renewed certificates usually are) gives a new channel.
 */
export function tlsFingerprint(tls: TlsMaterial | undefined): string {
  if (!tls) return '';
  const hash = createHash('sha256').update(tls.serverName);
  for (const part of [tls.ca, tls.cert, tls.key]) {
    hash.update(String(part?.length ?? -1)).update(':');
    if (part) hash.update(part);
  }
  return hash.digest('hex');
}

function replicaAddresses(endpoint: ProviderEndpoint): readonly string[] {
  return endpoint.replicas?.length ? endpoint.replicas : [endpoint.address];
}

/** A replica whose connection just failed is skipped while others are available. */
function isConnectable(client: ProviderClient): boolean {
  return client.getChannel().getConnectivityState(false) !== connectivityState.TRANSIENT_FAILURE;
}

function channelCredentials(tls: TlsMaterial | undefined): ChannelCredentials {
  if (!tls) return credentials.createInsecure();
  return credentials.createSsl(tls.ca, tls.key ?? null, tls.cert ?? null);
}

type UnaryMethod = (
  request: unknown,
  metadata: Metadata,
  options: { deadline: Date },
  callback: (err: ServiceError | null, response: unknown) => void,
) => unknown;

function invoke<Res>(
  client: ProviderClient,
  method: ProviderMethod,
  request: unknown,
  metadata: Metadata,
  deadline: Date,
): Promise<Res> {
  const fn = (client as unknown as Record<ProviderMethod, UnaryMethod>)[method];
  return new Promise((resolve, reject) => {
    fn.call(client, request, metadata, { deadline }, (err, res) =>
      err ? reject(err) : resolve(res as Res),
    );
  });
}

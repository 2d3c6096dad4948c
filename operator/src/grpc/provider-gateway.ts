// Every gRPC call from the manager to a provider goes through here: one channel per provider
// address, a deadline on every call, the correlation id in metadata, the per-provider circuit
// breaker, and metrics. Controllers see typed promises and ProviderCallError/CircuitOpenError.
import { credentials, Metadata, type ChannelCredentials, type ServiceError } from '@grpc/grpc-js';
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
import type { Logger } from 'pino';
import type { ManagerMetrics } from '../observability/metrics';
import { CircuitBreaker, DEFAULT_BREAKER, type CircuitBreakerOptions } from './circuit-breaker';
import { toProviderCallError } from './errors';

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
  ca: Buffer;
  cert?: Buffer;
  key?: Buffer;
  /** Name the provider certificate is issued for (the Service DNS name). */
  serverName: string;
}

export interface ProviderEndpoint {
  /** namespace/name of the Provider. */
  key: string;
  address: string;
  tls?: TlsMaterial;
}

export interface CallOptions {
  correlationId: string;
  deadlineMs?: number;
  /** Health probes pass an open breaker: they are how recovery is noticed. */
  probe?: boolean;
}

interface Channel {
  address: string;
  tlsFingerprint: string;
  client: ProviderClient;
}

export interface GatewayOptions {
  metrics: ManagerMetrics;
  log: Logger;
  breaker?: CircuitBreakerOptions;
  /** Multiplies every default deadline (tests shorten them, slow hypervisors lengthen them). */
  deadlineScale?: number;
}

export class ProviderGateway {
  private readonly channels = new Map<string, Channel>();
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
    const client = this.client(endpoint);
    const metadata = new Metadata();
    metadata.set('x-correlation-id', options.correlationId);
    const deadlineMs =
      options.deadlineMs ?? DEFAULT_DEADLINES_MS[method] * (this.options.deadlineScale ?? 1);
    const { metrics } = this.options;
    const end = metrics.providerCallDuration.startTimer({ provider: endpoint.key, method });
    try {
      const response = await invoke<Calls[M][1]>(client, method, request, metadata, deadlineMs);
      breaker.recordSuccess();
      metrics.providerCalls.inc({ provider: endpoint.key, method, code: 'OK' });
      return response;
    } catch (err) {
      const callError = toProviderCallError(endpoint.key, method, err as ServiceError);
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

  /** Drops the channel of a Provider that was deleted. */
  forget(providerKey: string): void {
    this.channels.get(providerKey)?.client.close();
    this.channels.delete(providerKey);
    this.breakers.delete(providerKey);
  }

  close(): void {
    for (const channel of this.channels.values()) channel.client.close();
    this.channels.clear();
  }

  private client(endpoint: ProviderEndpoint): ProviderClient {
    const tlsFingerprint = endpoint.tls
      ? `${endpoint.tls.serverName}|${endpoint.tls.ca.length}|${endpoint.tls.cert?.length ?? 0}`
      : '';
    const existing = this.channels.get(endpoint.key);
    if (
      existing &&
      existing.address === endpoint.address &&
      existing.tlsFingerprint === tlsFingerprint
    ) {
      return existing.client;
    }
    existing?.client.close();
    const channelOptions = endpoint.tls
      ? { 'grpc.ssl_target_name_override': endpoint.tls.serverName }
      : {};
    const client = new ProviderClient(endpoint.address, channelCredentials(endpoint.tls), {
      ...channelOptions,
      'grpc.keepalive_time_ms': 30_000,
      'grpc.initial_reconnect_backoff_ms': 200,
      'grpc.max_reconnect_backoff_ms': 5_000,
    });
    this.channels.set(endpoint.key, { address: endpoint.address, tlsFingerprint, client });
    return client;
  }
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
  deadlineMs: number,
): Promise<Res> {
  const fn = (client as unknown as Record<ProviderMethod, UnaryMethod>)[method];
  return new Promise((resolve, reject) => {
    fn.call(
      client,
      request,
      metadata,
      { deadline: new Date(Date.now() + deadlineMs) },
      (err, res) => (err ? reject(err) : resolve(res as Res)),
    );
  });
}

// One provider process: the provider.v1 gRPC service (plus grpc.health.v1, and reflection when
// asked for) on the gRPC address, every call checked against the client allow-list under mutual
// TLS, metrics and probes on the metrics address, health following the hypervisor, and
// a graceful stop. `runProvider` feeds it from flags/env/files; tests call it directly.
import { Server, ServerCredentials } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { createHealthService, PROTO_PATH, ProviderService } from '@virtrigaud/proto';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import type { DestinationStream, Logger } from 'pino';
import type { BackendFactory, HypervisorBackend, ProviderOptions } from '../backend';
import type { LogLevel } from '../config/runtime-config';
import type { TlsFiles } from '../config/files';
import { ProviderError } from '../errors';
import { startObservabilityServer } from '../observability/http-server';
import { createLogger } from '../observability/logger';
import { endpointHost, ProviderMetrics } from '../observability/metrics';
import { createSecretScrubber } from '../observability/secret-scrubber';
import { CallRunner } from './call-runner';
import { clientAuthorization } from './client-authorization';
import { createHandlers } from './handlers';
import { HealthMonitor } from './health-monitor';
import { grpcBindTargets, parseListenAddress } from './listen-address';
import { TokenBucket } from '@virtrigaud/kube/token-bucket';

/**
 * grpc-js options of the provider's server. Channelz (grpc-js's per-call and per-socket
 * bookkeeping for the channelz debug service, which this server does not expose) costs a few
 * percent of a fast call.
 */
export const GRPC_SERVER_OPTIONS = { 'grpc.enable_channelz': 0 } as const;

export interface ProviderServerOptions {
  type: string;
  createBackend: BackendFactory;
  /** Default 127.0.0.1:0 (a free loopback port). */
  grpcAddr?: string;
  metricsAddr?: string;
  endpoint?: string;
  namespace?: string;
  name?: string;
  credentials?: Record<string, string>;
  options?: ProviderOptions;
  /** TLS; mutual TLS when it carries a CA. */
  tls?: TlsFiles;
  /**
   * Under mutual TLS, the client certificate SANs admitted (required then: a certificate from the
   * CA alone does not tell the manager from anyone else the CA issued for).
   */
  allowedClients?: readonly string[];
  /** Serve gRPC server reflection (default off). */
  reflection?: boolean;
  rateLimit?: { qps: number; burst: number };
  operationTimeoutMs?: number;
  operationTimeoutsMs?: Record<string, number>;
  shutdownGraceMs?: number;
  logLevel?: LogLevel;
  /** Where JSON log lines go (default stdout). */
  logDestination?: DestinationStream;
  /** Health re-probe period (default 10 s). */
  healthProbeIntervalMs?: number;
  /** Provider-specific flag values, handed to the backend factory. */
  flags?: Record<string, string | boolean | undefined>;
}

export interface RunningProvider {
  grpcPort: number;
  metricsPort: number;
  /** Address a client on this machine dials (`127.0.0.1:<port>` when bound to every interface). */
  address: string;
  metricsUrl: string;
  backend: HypervisorBackend;
  log: Logger;
  /** Health re-probe now (tests, operators); resolves to whether the provider serves. */
  probeHealth(): Promise<boolean>;
  /**
   * Graceful stop: NOT_SERVING, no new calls, in-flight calls finish within the grace period (then
   * are cancelled), backend closed. Idempotent.
   */
  stop(graceMs?: number): Promise<void>;
}

const DEFAULT_OPERATION_TIMEOUT_MS = 300_000;
const DEFAULT_GRACE_MS = 25_000;
const DEFAULT_HEALTH_INTERVAL_MS = 10_000;
const HEALTH_PROBE_TIMEOUT_MS = 5_000;

function serverCredentials(tls?: TlsFiles): ServerCredentials {
  if (!tls) return ServerCredentials.createInsecure();
  return ServerCredentials.createSsl(
    tls.ca ?? null,
    [{ cert_chain: tls.cert, private_key: tls.key }],
    Boolean(tls.ca),
  );
}

async function bind(server: Server, targets: string[], creds: ServerCredentials): Promise<number> {
  let lastError: Error | undefined;
  for (const target of targets) {
    try {
      return await new Promise<number>((resolve, reject) =>
        server.bindAsync(target, creds, (err, port) => (err ? reject(err) : resolve(port))),
      );
    } catch (err) {
      lastError = err as Error;
    }
  }
  throw new Error(`cannot listen for gRPC on ${targets.join(' or ')}: ${lastError?.message}`);
}

function reflectionService(): ReflectionService {
  return new ReflectionService(loadSync([PROTO_PATH, healthProtoPath], { keepCase: true }));
}

function localHost(host: string | undefined): string {
  if (host === undefined || host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

export async function startProviderServer(
  options: ProviderServerOptions,
): Promise<RunningProvider> {
  const credentials = options.credentials ?? {};
  const scrub = createSecretScrubber([
    ...Object.values(credentials),
    ...(options.tls ? [options.tls.key.toString('utf8')] : []),
  ]);
  const providerLabel = options.name || options.type;
  const log = createLogger({
    level: options.logLevel ?? 'info',
    scrub,
    base: { provider: providerLabel, providerType: options.type },
    destination: options.logDestination,
  });
  const grpcAddress = parseListenAddress(options.grpcAddr ?? '127.0.0.1:0', '--grpc-addr');
  const metricsAddress = parseListenAddress(options.metricsAddr ?? '127.0.0.1:0', '--metrics-addr');
  const endpoint = options.endpoint ?? '';

  const backend = await options.createBackend({
    providerType: options.type,
    endpoint,
    namespace: options.namespace ?? '',
    name: options.name ?? '',
    credentials,
    options: options.options ?? {},
    log: log.child({ component: 'backend' }),
    flags: options.flags ?? {},
  });
  const metrics = new ProviderMetrics(providerLabel, endpointHost(endpoint));
  const health = createHealthService();
  const monitor = new HealthMonitor(backend, health, metrics, log, {
    intervalMs: options.healthProbeIntervalMs ?? DEFAULT_HEALTH_INTERVAL_MS,
    timeoutMs: HEALTH_PROBE_TIMEOUT_MS,
  });
  const bucket =
    options.rateLimit && new TokenBucket(options.rateLimit.qps, options.rateLimit.burst);
  const timeouts = options.operationTimeoutsMs ?? {};
  const defaultTimeout = options.operationTimeoutMs ?? DEFAULT_OPERATION_TIMEOUT_MS;
  const runner = new CallRunner({
    log,
    metrics,
    scrub,
    timeoutMs: (rpc) => timeouts[rpc] ?? defaultTimeout,
    onUnavailable: () => void monitor.probe(),
  });

  if (options.tls?.ca && !options.allowedClients?.length)
    throw new Error('mutual TLS needs allowedClients: the client identities it admits');
  const server = new Server({
    ...GRPC_SERVER_OPTIONS,
    ...(options.tls?.ca ? { interceptors: [clientAuthorization(options.allowedClients!)] } : {}),
  });
  server.addService(
    ProviderService,
    createHandlers({
      backend,
      runner,
      scrub,
      rateLimit: bucket,
      onValidated: (ok) => monitor.record(ok),
    }),
  );
  health.addToServer(server);
  if (options.reflection) reflectionService().addToServer(server);
  const grpcPort = await bind(server, grpcBindTargets(grpcAddress), serverCredentials(options.tls));
  const http = await startObservabilityServer(
    metricsAddress,
    metrics.registry,
    () => monitor.isServing,
  );
  await monitor.start();
  log.info(
    {
      grpcPort,
      metricsPort: http.port,
      tls: options.tls ? (options.tls.ca ? 'mutual' : 'server') : 'off',
      allowedClients: options.tls?.ca ? options.allowedClients : undefined,
      reflection: Boolean(options.reflection),
      rateLimit: options.rateLimit ?? 'unlimited',
      serving: monitor.isServing,
    },
    'provider started',
  );

  let stopping: Promise<void> | undefined;
  const stop = async (graceMs: number) => {
    log.info(
      { inFlight: runner.inFlightCount, graceMs },
      'shutting down: draining in-flight calls',
    );
    monitor.stop();
    const closed = new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
    let graceTimer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<'timeout'>(
      (resolve) => (graceTimer = setTimeout(() => resolve('timeout'), graceMs)),
    );
    if ((await Promise.race([runner.drained(), graceOver])) === 'timeout') {
      log.warn({ inFlight: runner.inFlightCount }, 'grace period over: cancelling in-flight calls');
      runner.abortAll(new ProviderError('UNAVAILABLE', 'the provider is shutting down'));
      await runner.drained();
      server.forceShutdown();
    }
    clearTimeout(graceTimer);
    await closed;
    bucket?.close(new ProviderError('UNAVAILABLE', 'the provider is shutting down'));
    await http.close();
    await backend.close?.();
    log.info('provider stopped');
  };

  return {
    grpcPort,
    metricsPort: http.port,
    address: `${localHost(grpcAddress.host)}:${grpcPort}`,
    metricsUrl: `http://${localHost(metricsAddress.host)}:${http.port}`,
    backend,
    log,
    probeHealth: () => monitor.probe(),
    stop: (graceMs = options.shutdownGraceMs ?? DEFAULT_GRACE_MS) => (stopping ??= stop(graceMs)),
  };
}

// Everything the runtime needs to start, from the seed's flags and environment (flags win), plus
// the files the operator mounts: credentials, the provider ConfigMap and the TLS Secret.
import { parseArgs } from 'node:util';
import { parseDuration } from '@virtrigaud/api';
import { readCredentials, readProviderOptions, readTlsFiles, type TlsFiles } from './files';
import type { ProviderOptions } from '../backend';

export const DEFAULT_CREDENTIALS_DIR = '/etc/virtrigaud/credentials';
export const DEFAULT_CONFIG_DIR = '/etc/virtrigaud/config';
export const DEFAULT_TLS_DIR = '/etc/virtrigaud/tls';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

export interface RuntimeConfig {
  grpcAddr: string;
  metricsAddr: string;
  providerType: string;
  endpoint: string;
  namespace: string;
  name: string;
  logLevel: LogLevel;
  /** TLS material when TLS is enabled; mutual TLS when it includes a CA. */
  tls?: TlsFiles;
  credentials: Record<string, string>;
  options: ProviderOptions;
  /** Token bucket toward the hypervisor; unlimited when absent. */
  rateLimit?: { qps: number; burst: number };
  /** Per-operation timeout (PROVIDER_TIMEOUT), and overrides per RPC from provider.json `timeouts`. */
  operationTimeoutMs: number;
  operationTimeoutsMs: Record<string, number>;
  /** How long SIGTERM waits for in-flight calls before cancelling them. */
  shutdownGraceMs: number;
  /** Values of the extra flags. */
  flags: Record<string, string | boolean | undefined>;
}

export interface LoadConfigInput {
  argv: string[];
  env: NodeJS.ProcessEnv;
  /** The provider type the binary implements; `--provider-type` must agree when given. */
  type: string;
  /** Credential files the backend cannot start without. */
  requiredCredentials?: readonly string[];
  /** Provider-specific flags besides the runtime's (e.g. the mock's fault injection). */
  extraFlags?: ExtraFlags;
}

/** Extra command-line flags by name (without `--`). */
export type ExtraFlags = Record<string, { type: 'string' | 'boolean' }>;

const DEFAULT_OPERATION_TIMEOUT = '300s';
const DEFAULT_SHUTDOWN_GRACE = '25s';

const RUNTIME_FLAGS = [
  'grpc-addr',
  'metrics-addr',
  'provider-type',
  'provider-endpoint',
  'tls-enabled',
  'log-level',
  'config',
  'operation-timeout',
  'shutdown-grace-period',
] as const;

/** What `--help` prints: every flag the binary accepts, the runtime's and its own. */
export function providerUsage(type: string, extra: ExtraFlags = {}): string {
  const line = (name: string, takesValue: boolean) => `  --${name}${takesValue ? '=VALUE' : ''}`;
  return [
    `Usage: provider-${type} [flags]`,
    '',
    'Runtime flags (each also settable through its environment variable; flags win):',
    ...RUNTIME_FLAGS.map((name) => line(name, true)),
    ...(Object.keys(extra).length ? ['', `provider-${type} flags:`] : []),
    ...Object.entries(extra).map(([name, { type }]) => line(name, type === 'string')),
    '',
  ].join('\n');
}

function parseFlags(argv: string[], extra: ExtraFlags) {
  const runtimeOptions = Object.fromEntries(
    RUNTIME_FLAGS.map((flag) => [flag, { type: 'string' as const }]),
  );
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: { ...extra, ...runtimeOptions },
  });
  const runtime = values as Partial<Record<(typeof RUNTIME_FLAGS)[number], string>>;
  const flags = Object.fromEntries(Object.keys(extra).map((name) => [name, values[name]]));
  return { runtime, flags };
}

function parseBool(text: string, what: string): boolean {
  if (/^(true|1|yes)$/i.test(text)) return true;
  if (/^(false|0|no|)$/i.test(text)) return false;
  throw new Error(`${what}: "${text}" is not true or false`);
}

function parseLogLevel(text: string): LogLevel {
  const level = text.toLowerCase() as LogLevel;
  if (!LOG_LEVELS.includes(level))
    throw new Error(`--log-level: "${text}" is not one of ${LOG_LEVELS.join(', ')}`);
  return level;
}

function positiveNumber(text: string | undefined, what: string): number | undefined {
  if (text === undefined || text === '') return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0)
    throw new Error(`${what}: "${text}" is not a positive number`);
  return value;
}

/**
 * The Provider's rate limit is for the whole Provider (the hypervisor sees at most qps/s), so each
 * of PROVIDER_REPLICAS replicas takes an equal share: qps/replicas and burst/replicas (at least 1
 * token, so a burst smaller than the replica count allows up to one call per replica at once).
 */
function rateLimitOf(env: NodeJS.ProcessEnv, options: ProviderOptions) {
  const qps = positiveNumber(env.RATE_LIMIT_QPS, 'RATE_LIMIT_QPS') ?? options.rateLimit?.qps;
  const burst =
    positiveNumber(env.RATE_LIMIT_BURST, 'RATE_LIMIT_BURST') ?? options.rateLimit?.burst;
  if (qps === undefined) return undefined;
  const replicas = Math.floor(positiveNumber(env.PROVIDER_REPLICAS, 'PROVIDER_REPLICAS') ?? 1);
  return {
    qps: qps / replicas,
    burst: Math.max(1, Math.floor((burst ?? qps) / replicas)),
  };
}

function timeoutsOf(options: ProviderOptions): Record<string, number> {
  const timeouts = (options.timeouts ?? {}) as Record<string, unknown>;
  return Object.fromEntries(
    Object.entries(timeouts).map(([rpc, text]) => [
      rpc,
      parseDuration(String(text), `provider.json timeouts.${rpc}`),
    ]),
  );
}

/** Reads flags, environment and mounted files; throws an Error with a message fit for the log. */
export function loadRuntimeConfig(input: LoadConfigInput): RuntimeConfig {
  const { env } = input;
  let parsed: ReturnType<typeof parseFlags>;
  try {
    parsed = parseFlags(input.argv, input.extraFlags ?? {});
  } catch (err) {
    throw new Error(`command line: ${(err as Error).message}`);
  }
  const flags = parsed.runtime;
  const providerType = flags['provider-type'] ?? env.PROVIDER_TYPE ?? input.type;
  if (providerType !== input.type) {
    throw new Error(
      `--provider-type: this binary implements "${input.type}", not "${providerType}"`,
    );
  }
  const tlsEnabled = parseBool(flags['tls-enabled'] ?? env.TLS_ENABLED ?? 'false', '--tls-enabled');
  const options = readProviderOptions(
    flags.config ?? env.VIRTRIGAUD_CONFIG_DIR ?? DEFAULT_CONFIG_DIR,
  );
  return {
    grpcAddr: flags['grpc-addr'] ?? env.GRPC_ADDR ?? ':9090',
    metricsAddr: flags['metrics-addr'] ?? env.METRICS_ADDR ?? ':8080',
    providerType,
    endpoint: flags['provider-endpoint'] ?? env.PROVIDER_ENDPOINT ?? '',
    namespace: env.PROVIDER_NAMESPACE ?? '',
    name: env.PROVIDER_NAME ?? '',
    logLevel: parseLogLevel(flags['log-level'] ?? env.LOG_LEVEL ?? 'info'),
    tls: tlsEnabled ? readTlsFiles(env.VIRTRIGAUD_TLS_DIR ?? DEFAULT_TLS_DIR) : undefined,
    credentials: readCredentials(
      env.VIRTRIGAUD_CREDENTIALS_DIR ?? DEFAULT_CREDENTIALS_DIR,
      input.requiredCredentials ?? [],
    ),
    options,
    rateLimit: rateLimitOf(env, options),
    operationTimeoutMs: parseDuration(
      flags['operation-timeout'] ?? env.PROVIDER_TIMEOUT ?? DEFAULT_OPERATION_TIMEOUT,
      '--operation-timeout',
    ),
    operationTimeoutsMs: timeoutsOf(options),
    shutdownGraceMs: parseDuration(
      flags['shutdown-grace-period'] ?? env.SHUTDOWN_GRACE_PERIOD ?? DEFAULT_SHUTDOWN_GRACE,
      '--shutdown-grace-period',
    ),
    flags: parsed.flags,
  };
}

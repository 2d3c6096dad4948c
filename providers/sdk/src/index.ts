export * from './backend';
export * from './errors';
export {
  createProviderClient,
  channelCredentials,
  CORRELATION_ID_HEADER,
  type CallOptions,
  type ClientTlsOptions,
  type ProviderClientOptions,
  type ProviderRpc,
  type RpcRequest,
  type RpcResponse,
  type TypedProviderClient,
} from './client/provider-client';
export * from './observability/metric-names';
export { endpointHost } from './observability/metrics';
export { createSecretScrubber, type Scrub } from './observability/secret-scrubber';
export {
  loadRuntimeConfig,
  DEFAULT_CONFIG_DIR,
  DEFAULT_CREDENTIALS_DIR,
  DEFAULT_TLS_DIR,
  type ExtraFlags,
  type LoadConfigInput,
  type LogLevel,
  type RuntimeConfig,
} from './config/runtime-config';
export {
  PROVIDER_CONFIG_FILE,
  readCredentials,
  readProviderOptions,
  readTlsFiles,
  type TlsFiles,
} from './config/files';
export { runProvider, type RunProviderOptions } from './runtime/run-provider';
export {
  GRPC_SERVER_OPTIONS,
  startProviderServer,
  type ProviderServerOptions,
  type RunningProvider,
} from './runtime/provider-server';
export { TaskRegistry, type TaskRegistryOptions } from './runtime/task-registry';
export { parseJsonField, checkValue } from './validation/json-fields';
export * as wireSchemas from './validation/schemas';
export * as testing from './testing';

// Public entry point: the Manager and the pieces tests and benchmarks reuse. The Kubernetes
// machinery is @virtrigaud/kube; provider naming is @virtrigaud/api.
export { Manager, DEFAULT_MANAGER_OPTIONS } from './manager';
export type { ManagerOptions } from './manager';
export { parseCli, USAGE } from './cli/options';
export type { CliOptions } from './cli/options';
export { createLogger } from './observability/logger';
export { ProviderGateway } from './grpc/provider-gateway';
export type { ProviderEndpoint } from './grpc/provider-gateway';
export { ManagerMetrics } from './observability/metrics';
export { renderProvider, configChecksum, RESERVED_ENV } from './controllers/provider/render';
export { FINALIZER } from './controllers/object-writes';

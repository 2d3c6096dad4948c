// Public entry point: the Manager and the pieces tests, benchmarks and other packages reuse.
export { Manager, DEFAULT_MANAGER_OPTIONS } from './manager';
export type { ManagerOptions } from './manager';
export { parseCli, USAGE } from './cli/options';
export type { CliOptions } from './cli/options';
export { KubeClient, loadKubeConfig } from './kube/client';
export { Informer } from './kube/informer';
export { Resources, resourcePath } from './kube/resources';
export type { ResourceType } from './kube/resources';
export type { KubeObject, KubeList } from './kube/types';
export { WorkQueue } from './runtime/workqueue';
export { createLogger } from './observability/logger';
export {
  ClusterDnsResolver,
  DevclusterAnnotationResolver,
  DEVCLUSTER_ADDRESSES_ANNOTATION,
} from './grpc/address-resolver';
export type { ServiceAddressResolver } from './grpc/address-resolver';
export { ProviderGateway } from './grpc/provider-gateway';
export type { ProviderEndpoint } from './grpc/provider-gateway';
export { ManagerMetrics } from './observability/metrics';
export { renderProvider, configChecksum, RESERVED_ENV } from './controllers/provider/render';
export * from './controllers/provider/constants';
export { FINALIZER } from './controllers/object-writes';

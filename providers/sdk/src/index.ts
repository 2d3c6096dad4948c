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

// Names, labels and ports of the objects the Provider controller generates for a Provider (the
// seed's tables): what the manager writes and what the Backstage backend looks up.
export const PROVIDER_APP_NAME = 'virtrigaud-provider';
export const LABEL_NAME = 'app.kubernetes.io/name';
export const LABEL_INSTANCE = 'app.kubernetes.io/instance';
export const LABEL_MANAGED_BY = 'app.kubernetes.io/managed-by';
export const LABEL_COMPONENT = 'app.kubernetes.io/component';
export const MANAGED_BY = 'virtrigaud-manager';
/** Label selector of the objects the Provider controller generates. */
export const MANAGED_SELECTOR = `${LABEL_MANAGED_BY}=${MANAGED_BY}`;

export const DEFAULT_GRPC_PORT = 9090;
export const METRICS_PORT = 8080;
export const GRPC_PORT_NAME = 'grpc';
export const METRICS_PORT_NAME = 'metrics';

/** Deployment and Service of a Provider. */
export function generatedName(providerName: string): string {
  return `virtrigaud-provider-${providerName}`;
}

/** ConfigMap holding a Provider's provider.json. */
export function configMapName(providerName: string): string {
  return `${generatedName(providerName)}-config`;
}

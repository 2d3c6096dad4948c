// Names, labels, ports and paths of what the Provider controller generates (the seed's tables).
export const PROVIDER_APP_NAME = 'virtrigaud-provider';
export const LABEL_NAME = 'app.kubernetes.io/name';
export const LABEL_INSTANCE = 'app.kubernetes.io/instance';
export const LABEL_MANAGED_BY = 'app.kubernetes.io/managed-by';
export const LABEL_COMPONENT = 'app.kubernetes.io/component';
export const MANAGED_BY = 'virtrigaud-manager';
/** Label selector of the objects the Provider controller generates. */
export const MANAGED_SELECTOR = `${LABEL_MANAGED_BY}=${MANAGED_BY}`;

/** Pod annotation whose change rolls the Deployment when config or credentials change. */
export const CHECKSUM_ANNOTATION = 'virtrigaud.io/config-checksum';
/** Hash of the rendered object, to update generated objects only when our intent changed. */
export const SPEC_HASH_ANNOTATION = 'virtrigaud.io/spec-hash';

export const DEFAULT_GRPC_PORT = 9090;
export const METRICS_PORT = 8080;
export const GRPC_PORT_NAME = 'grpc';
export const METRICS_PORT_NAME = 'metrics';

export const CREDENTIALS_DIR = '/etc/virtrigaud/credentials';
export const CONFIG_DIR = '/etc/virtrigaud/config';
export const TLS_DIR = '/etc/virtrigaud/tls';
export const CONFIG_FILE = 'provider.json';

/** The uid/gid of distroless "nonroot"; the provider images run as it. */
export const NONROOT_UID = 65532;

export const DEFAULT_IMAGE_REPOSITORY = 'ghcr.io/projectbeskar/virtrigaud';

export function generatedName(providerName: string): string {
  return `virtrigaud-provider-${providerName}`;
}

export function configMapName(providerName: string): string {
  return `${generatedName(providerName)}-config`;
}

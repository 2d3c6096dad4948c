// What the Provider controller mounts and sets on the pods it generates.
/** Pod annotation whose change rolls the Deployment when config or credentials change. */
export const CHECKSUM_ANNOTATION = 'virtrigaud.io/config-checksum';
/** Hash of the rendered object, to update generated objects only when our intent changed. */
export const SPEC_HASH_ANNOTATION = 'virtrigaud.io/spec-hash';

export const CREDENTIALS_DIR = '/etc/virtrigaud/credentials';
export const CONFIG_DIR = '/etc/virtrigaud/config';
export const TLS_DIR = '/etc/virtrigaud/tls';
export const CONFIG_FILE = 'provider.json';

/** The uid/gid of distroless "nonroot"; the provider images run as it. */
export const NONROOT_UID = 65532;

export const DEFAULT_IMAGE_REPOSITORY = 'ghcr.io/projectbeskar/virtrigaud';

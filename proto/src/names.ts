import path from 'node:path';

/** Fully-qualified service name, as used in method paths (`/provider.v1.Provider/<Rpc>`) and health checks. */
export const PROVIDER_SERVICE_NAME = 'provider.v1.Provider';

/** Absolute path of provider.proto, for reflection and for tools that load the schema. */
export const PROTO_PATH = path.join(__dirname, '..', 'provider', 'v1', 'provider.proto');

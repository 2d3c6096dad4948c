// What the Provider controller hands a provider pod, rebuilt for tests that run the real command:
// the seed's flags and environment, the mounted credentials Secret and the provider ConfigMap.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PROVIDER_CONFIG_FILE } from '../config/files';

/** A command's arguments and environment (PATH is added when it is started). */
export interface Launch {
  args: string[];
  env: Record<string, string>;
}

/** The two mounted directories, under a temporary root the caller removes. */
export interface ProviderFiles {
  root: string;
  credentials: string;
  config: string;
}

/**
 * Writes the credentials Secret (one file per key, content as given: a trailing newline is how
 * `kubectl create secret --from-file` keeps it) and `provider.json` into a new temporary root.
 */
export function writeProviderFiles(
  prefix: string,
  credentials: Record<string, string>,
  providerJson: unknown,
): ProviderFiles {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const files = {
    root,
    credentials: path.join(root, 'credentials'),
    config: path.join(root, 'config'),
  };
  fs.mkdirSync(files.credentials);
  fs.mkdirSync(files.config);
  for (const [key, content] of Object.entries(credentials)) {
    fs.writeFileSync(path.join(files.credentials, key), content);
  }
  fs.writeFileSync(path.join(files.config, PROVIDER_CONFIG_FILE), JSON.stringify(providerJson));
  return files;
}

export interface SeedLaunchInput {
  type: string;
  endpoint: string;
  /** The Provider's name, as PROVIDER_NAME (its namespace is `default`). */
  name: string;
  /** Where the Secret and ConfigMap are mounted. */
  files: Pick<ProviderFiles, 'credentials' | 'config'>;
  /** Flags after the seed's (a provider's own, such as `--libvirt-*`). */
  args?: string[];
  /** Environment on top of the seed's (LOG_LEVEL, a provider's own knobs). */
  env?: Record<string, string>;
}

/** The seed's flags and environment as the Provider controller renders them, without TLS. */
export function seedLaunch({
  type,
  endpoint,
  name,
  files,
  args = [],
  env = {},
}: SeedLaunchInput): Launch {
  return {
    args: [
      '--grpc-addr=127.0.0.1:0',
      '--metrics-addr=127.0.0.1:0',
      `--provider-type=${type}`,
      `--provider-endpoint=${endpoint}`,
      '--tls-enabled=false',
      ...args,
    ],
    env: {
      PROVIDER_TYPE: type,
      PROVIDER_ENDPOINT: endpoint,
      PROVIDER_NAMESPACE: 'default',
      PROVIDER_NAME: name,
      VIRTRIGAUD_CREDENTIALS_DIR: files.credentials,
      VIRTRIGAUD_CONFIG_DIR: files.config,
      ...env,
    },
  };
}

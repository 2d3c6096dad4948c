// Secret and ConfigMap volumes, written as one file per key under the pod's root directory
// (`<podRoot>/<mountPath>/<key>`), and the environment variables that tell our programs where
// the well-known in-cluster paths ended up (they cannot see the real /etc/virtrigaud/...).
import fs from 'node:fs';
import path from 'node:path';
import type { Lookup } from './pod-environment';
import { MissingReference } from './pod-environment';
import type { StoredObject } from '../api/types';

/* eslint-disable @typescript-eslint/no-explicit-any -- pod specs are arbitrary user JSON */

/** Mount path -> environment variable pointing at where it was mounted. */
export const DEFAULT_MOUNT_ENV: Record<string, string> = {
  '/etc/virtrigaud/credentials': 'VIRTRIGAUD_CREDENTIALS_DIR',
  '/etc/virtrigaud/tls': 'VIRTRIGAUD_TLS_DIR',
  '/etc/virtrigaud/config': 'VIRTRIGAUD_CONFIG_DIR',
};

/** File modes when the volume does not set defaultMode: secrets owner-only, config world-readable. */
export const SECRET_FILE_MODE = 0o600;
export const CONFIG_FILE_MODE = 0o644;

function writeVolume(
  dir: string,
  data: Record<string, string>,
  decode: boolean,
  volume: any,
  mode: number,
): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
  const items: { key: string; path: string; mode?: number }[] =
    volume.items ?? Object.keys(data).map((key) => ({ key, path: key }));
  for (const item of items) {
    if (!(item.key in data)) {
      if (volume.optional) continue;
      throw new MissingReference(
        `couldn't find key ${item.key} in ${volume.secretName ?? volume.name}`,
      );
    }
    const file = path.join(dir, item.path);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const content = decode
      ? Buffer.from(data[item.key], 'base64')
      : Buffer.from(data[item.key], 'utf8');
    fs.writeFileSync(file, content, { mode: item.mode ?? volume.defaultMode ?? mode });
    fs.chmodSync(file, item.mode ?? volume.defaultMode ?? mode);
  }
}

/** Writes every Secret/ConfigMap volume the container mounts; returns the environment for mount paths. */
export function mountVolumes(
  pod: StoredObject,
  container: any,
  podRoot: string,
  lookup: Lookup,
  mountEnv: Record<string, string>,
): Record<string, string> {
  const volumes = new Map<string, any>(
    ((pod as any).spec?.volumes ?? []).map((v: any) => [v.name, v]),
  );
  const env: Record<string, string> = {};
  for (const mount of container.volumeMounts ?? []) {
    const volume = volumes.get(mount.name);
    const dir = path.join(podRoot, mount.mountPath);
    if (volume?.secret) {
      const secret = lookup('secrets', pod.metadata.namespace!, volume.secret.secretName) as any;
      if (!secret && !volume.secret.optional)
        throw new MissingReference(`secret "${volume.secret.secretName}" not found`);
      writeVolume(dir, secret?.data ?? {}, true, volume.secret, SECRET_FILE_MODE);
    } else if (volume?.configMap) {
      const configMap = lookup('configmaps', pod.metadata.namespace!, volume.configMap.name) as any;
      if (!configMap && !volume.configMap.optional)
        throw new MissingReference(`configmap "${volume.configMap.name}" not found`);
      writeVolume(dir, configMap?.data ?? {}, false, volume.configMap, CONFIG_FILE_MODE);
    } else fs.mkdirSync(dir, { recursive: true }); // emptyDir and anything else: an empty directory
    const variable = mountEnv[mount.mountPath.replace(/\/+$/, '')];
    if (variable) env[variable] = mount.subPath ? path.join(dir, mount.subPath) : dir;
  }
  return env;
}

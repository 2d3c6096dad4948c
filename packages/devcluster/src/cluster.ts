// startDevCluster: the API server on a loopback port, a kubeconfig for it, and (optionally) the
// dev kubelet that runs Deployments as local processes.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ApiServer, type ApiServerOptions } from './api-server';
import type { Objects } from './api/objects';
import { writeKubeconfig } from './kubeconfig';

export interface DevClusterOptions extends ApiServerOptions {
  /** Where to write the kubeconfig; a temporary file by default. */
  kubeconfigPath?: string;
}

export interface DevCluster {
  kubeconfigPath: string;
  url: string;
  /** In-process access to the object semantics (for tools that embed the devcluster). */
  objects: Objects;
  stop(): Promise<void>;
}

export async function startDevCluster(options: DevClusterOptions = {}): Promise<DevCluster> {
  const server = new ApiServer(options);
  const url = await server.listen();
  let temporaryDir: string | undefined;
  let kubeconfigPath = options.kubeconfigPath;
  if (!kubeconfigPath) {
    temporaryDir = fs.mkdtempSync(path.join(os.tmpdir(), 'devcluster-'));
    kubeconfigPath = path.join(temporaryDir, 'kubeconfig');
  }
  writeKubeconfig(kubeconfigPath, url);
  let stopped: Promise<void> | undefined;
  return {
    kubeconfigPath,
    url,
    objects: server.objects,
    stop: () =>
      (stopped ??= (async () => {
        await server.close();
        if (temporaryDir) fs.rmSync(temporaryDir, { recursive: true, force: true });
      })()),
  };
}

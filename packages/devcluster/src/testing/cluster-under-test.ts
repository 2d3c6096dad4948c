// Test support: the cluster a conformance test talks to. The in-process devcluster by default;
// with KUBECONFIG_UNDER_TEST=<file> the same tests run against any real cluster (tests that need
// the dev kubelet are skipped there).
import { randomBytes } from 'node:crypto';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { startDevCluster, type DevClusterOptions } from '../cluster';

export interface ClusterUnderTest {
  kc: KubeConfig;
  kubeconfigPath: string;
  /** False when pointed at a real cluster. */
  isDevCluster: boolean;
  /** A fresh namespace for this test file, deleted by stop(). */
  newNamespace(prefix?: string): Promise<string>;
  stop(): Promise<void>;
}

export const externalKubeconfig = process.env.KUBECONFIG_UNDER_TEST;

export async function clusterUnderTest(options: DevClusterOptions = {}): Promise<ClusterUnderTest> {
  const cluster = externalKubeconfig ? undefined : await startDevCluster(options);
  const kubeconfigPath = externalKubeconfig ?? cluster!.kubeconfigPath;
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  const core = kc.makeApiClient(CoreV1Api);
  const namespaces: string[] = [];
  return {
    kc,
    kubeconfigPath,
    isDevCluster: !externalKubeconfig,
    async newNamespace(prefix = 'conformance') {
      const name = `${prefix}-${randomBytes(3).toString('hex')}`;
      await core.createNamespace({ body: { metadata: { name } } });
      namespaces.push(name);
      return name;
    },
    async stop() {
      if (cluster) return cluster.stop();
      for (const name of namespaces) await core.deleteNamespace({ name }).catch(() => undefined);
    },
  };
}

/** The HTTP status of a failed client-node call, and its parsed Status body. */
export async function failure(call: Promise<unknown>): Promise<{
  code: number;
  status: { reason?: string; message?: string; details?: { causes?: { field?: string }[] } };
}> {
  try {
    await call;
  } catch (error) {
    const { code, body } = error as { code?: number; body?: unknown };
    if (code === undefined) throw error;
    return { code, status: typeof body === 'string' ? JSON.parse(body) : (body as object) };
  }
  throw new Error('expected the call to fail');
}

// The API server a suite that runs on both servers talks to, chosen by VIRTRIGAUD_TEST_SERVER:
// `devcluster` (the default: the embedded, in-process server) or `real` (etcd + kube-apiserver +
// kube-controller-manager from startRealControlPlane()).
import { KubeConfig } from '@kubernetes/client-node';
import { startDevCluster, type DevClusterOptions } from '@virtrigaud/devcluster';
import { startRealControlPlane } from './control-plane';

export const TEST_SERVER_KINDS = ['devcluster', 'real'] as const;
export type TestServerKind = (typeof TEST_SERVER_KINDS)[number];

export interface TestServer {
  kind: TestServerKind;
  kubeconfigPath: string;
  url: string;
  kc: KubeConfig;
  stop(): Promise<void>;
}

export function testServerKind(): TestServerKind {
  const value = process.env.VIRTRIGAUD_TEST_SERVER || 'devcluster';
  if (!(TEST_SERVER_KINDS as readonly string[]).includes(value)) {
    throw new Error(
      `VIRTRIGAUD_TEST_SERVER must be one of ${TEST_SERVER_KINDS.join(', ')}, not "${value}"`,
    );
  }
  return value as TestServerKind;
}

/**
 * Starts the selected server. Asking for `real` where its binaries are missing is an error: the
 * caller chose it explicitly (scripts/test.sh decides whether the real pass runs at all).
 */
export async function startTestServer(
  options: { devcluster?: DevClusterOptions } = {},
): Promise<TestServer> {
  const kind = testServerKind();
  if (kind === 'real') return { kind, ...(await startRealControlPlane()) };
  const cluster = await startDevCluster(options.devcluster);
  const kc = new KubeConfig();
  kc.loadFromFile(cluster.kubeconfigPath);
  return { kind, kubeconfigPath: cluster.kubeconfigPath, url: cluster.url, kc, stop: cluster.stop };
}

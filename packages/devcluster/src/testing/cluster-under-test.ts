// Test support: the cluster a conformance test talks to. The in-process devcluster by default;
// with KUBECONFIG_UNDER_TEST=<file> the same tests run against any real cluster (tests that need
// the dev kubelet are reported as not run there). The devcluster draws the order of each write's response
// and its watch events from a seeded PRNG here (DEVCLUSTER_EVENT_ORDER_SEED, default 1), as a
// real server may deliver either first.
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { startDevCluster, type DevClusterOptions } from '../cluster';
import { eventOrderFromEnvironment } from '../http/write-order';

export interface ClusterUnderTest {
  kc: KubeConfig;
  kubeconfigPath: string;
  /** False when pointed at a real cluster. */
  isDevCluster: boolean;
  /** A raw HTTP request with the kubeconfig's server, CA and credentials. */
  request(path: string, init?: RawRequest): Promise<RawResponse>;
  /** A fresh namespace for this test file, deleted by stop(). */
  newNamespace(prefix?: string): Promise<string>;
  stop(): Promise<void>;
}

export const externalKubeconfig = process.env.KUBECONFIG_UNDER_TEST;

export interface RawRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

async function rawRequest(
  kc: KubeConfig,
  path: string,
  init: RawRequest = {},
): Promise<RawResponse> {
  const url = new URL(path, kc.getCurrentCluster()!.server);
  const options: https.RequestOptions = {
    method: init.method ?? 'GET',
    headers: { ...init.headers },
  };
  await kc.applyToHTTPSOptions(options);
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = transport.request(url, options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          text: Buffer.concat(chunks).toString(),
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

export async function clusterUnderTest(options: DevClusterOptions = {}): Promise<ClusterUnderTest> {
  const cluster = externalKubeconfig
    ? undefined
    : await startDevCluster({
        eventOrder: eventOrderFromEnvironment({ DEVCLUSTER_EVENT_ORDER_SEED: '1', ...process.env }),
        ...options,
      });
  const kubeconfigPath = externalKubeconfig ?? cluster!.kubeconfigPath;
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  const core = kc.makeApiClient(CoreV1Api);
  const namespaces: string[] = [];
  return {
    kc,
    kubeconfigPath,
    isDevCluster: !externalKubeconfig,
    request: (path, init) => rawRequest(kc, path, init),
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
    if (typeof body !== 'string') return { code, status: body as object };
    // The real server's plain-text 404s ("404 page not found") are not Status objects.
    try {
      return { code, status: JSON.parse(body) };
    } catch {
      return { code, status: { message: body } };
    }
  }
  throw new Error('expected the call to fail');
}

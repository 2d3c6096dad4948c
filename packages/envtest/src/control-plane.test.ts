// The real control plane as a test uses it: reachable with the kubeconfig it writes (by
// client-node and by kubectl), the admin is a cluster admin, the controller-manager runs
// Deployments and PodSecurity, and stop() leaves no process, port or file behind.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  AppsV1Api,
  CoreV1Api,
  VersionApi,
  Watch,
  type V1Pod,
  type V1ReplicaSet,
} from '@kubernetes/client-node';
import { startRealControlPlane, type RealControlPlane } from './control-plane';
import { describeOnRealControlPlane } from './not-run';
import { KUBE_VERSION } from './binaries';

const run = promisify(execFile);
/** The first object at `path` that `matches`, as a watch (which starts with a listing) sees it. */
async function firstWatched<T>(
  plane: RealControlPlane,
  path: string,
  labelSelector: string,
  matches: (object: T) => boolean,
): Promise<T> {
  let abort: AbortController | undefined;
  try {
    return await new Promise<T>((resolve, reject) => {
      void new Watch(plane.kc)
        .watch(
          path,
          { labelSelector },
          (_, object: T) => matches(object) && resolve(object),
          (error: unknown) => reject(new Error(`watch of ${path} ended: ${String(error)}`)),
        )
        .then((controller) => (abort = controller), reject);
    });
  } finally {
    abort?.abort();
  }
}

describeOnRealControlPlane('startRealControlPlane', () => {
  let plane: RealControlPlane;
  beforeAll(async () => {
    plane = await startRealControlPlane();
  }, 90_000);
  afterAll(() => plane?.stop());

  it(`serves Kubernetes ${KUBE_VERSION} to client-node and kubectl through its kubeconfig`, async () => {
    const version = await plane.kc.makeApiClient(VersionApi).getCode();
    expect(version.gitVersion).toBe(KUBE_VERSION);
    const { stdout } = await run('kubectl', [
      '--kubeconfig',
      plane.kubeconfigPath,
      'auth',
      'can-i',
      '*',
      '*',
      '--all-namespaces',
    ]);
    expect(stdout.trim()).toBe('yes');
  });

  it('runs Deployments and enforces restricted Pod Security', async () => {
    const core = plane.kc.makeApiClient(CoreV1Api);
    const apps = plane.kc.makeApiClient(AppsV1Api);
    const namespace = 'restricted';
    await core.createNamespace({
      body: {
        metadata: {
          name: namespace,
          labels: { 'pod-security.kubernetes.io/enforce': 'restricted' },
        },
      },
    });
    const deployment = (name: string, hardened: boolean) => ({
      metadata: { name },
      spec: {
        selector: { matchLabels: { app: name } },
        template: {
          metadata: { labels: { app: name } },
          spec: {
            containers: [
              {
                name: 'app',
                image: 'example.invalid/app:1',
                securityContext: hardened
                  ? {
                      allowPrivilegeEscalation: false,
                      runAsNonRoot: true,
                      capabilities: { drop: ['ALL'] },
                      seccompProfile: { type: 'RuntimeDefault' },
                    }
                  : {},
              },
            ],
          },
        },
      },
    });
    await apps.createNamespacedDeployment({ namespace, body: deployment('good', true) });
    await apps.createNamespacedDeployment({ namespace, body: deployment('bad', false) });

    const pod = await firstWatched<V1Pod>(
      plane,
      `/api/v1/namespaces/${namespace}/pods`,
      'app=good',
      () => true,
    );
    expect(pod.spec?.serviceAccountName).toBe('default');
    const failure = (set: V1ReplicaSet) =>
      set.status?.conditions?.find((c) => c.type === 'ReplicaFailure');
    const refused = await firstWatched<V1ReplicaSet>(
      plane,
      `/apis/apps/v1/namespaces/${namespace}/replicasets`,
      'app=bad',
      (set) => failure(set) !== undefined,
    );
    expect(failure(refused)?.message).toContain('violates PodSecurity "restricted');
  });

  it('stops every process and removes its files', async () => {
    const dir = path.dirname(plane.kubeconfigPath);
    const port = Number(new URL(plane.url).port);
    await plane.stop();
    expect(fs.existsSync(dir)).toBe(false);
    const refused = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => resolve(socket.destroy() && false));
      socket.once('error', () => resolve(true));
    });
    expect(refused).toBe(true);
  });
});

// Probe timing on the dev kubelet: maxProbePeriodMs shortens probe periods so tests see readiness
// quickly, but a liveness probe still waits its whole initialDelaySeconds, so a process that
// starts slower than the shortened period is not killed before it could answer.
import path from 'node:path';
import { AppsV1Api, CoreV1Api, KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { eventually } from '@virtrigaud/testing';
import { startDevCluster, type DevCluster } from '../cluster';

jest.setTimeout(30_000);

const FIXTURE = path.join(__dirname, 'fixtures', 'ready-server.js');
const IMAGE = 'ghcr.io/example/slow-start:v1';
const LIVENESS_DELAY_S = 3;

let cluster: DevCluster;
let core: CoreV1Api;

beforeAll(async () => {
  cluster = await startDevCluster({
    kubelet: { images: { [IMAGE.split(':')[0]]: [FIXTURE] }, maxProbePeriodMs: 50 },
  });
  const kc = new KubeConfig();
  kc.loadFromFile(cluster.kubeconfigPath);
  core = kc.makeApiClient(CoreV1Api);
  await kc.makeApiClient(AppsV1Api).createNamespacedDeployment({
    namespace: 'default',
    body: {
      metadata: { name: 'slow-start' },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'slow-start' } },
        template: {
          metadata: { labels: { app: 'slow-start' } },
          spec: {
            containers: [
              {
                name: 'server',
                image: IMAGE,
                args: ['--listen=:8080'],
                ports: [{ name: 'http', containerPort: 8080 }],
                // /healthz answers 503 for the first second, as a process still starting would.
                env: [{ name: 'READY_AFTER_MS', value: '1000' }],
                readinessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 1 },
                livenessProbe: {
                  httpGet: { path: '/healthz', port: 'http' },
                  initialDelaySeconds: LIVENESS_DELAY_S,
                  periodSeconds: 1,
                  failureThreshold: 1,
                },
              },
            ],
          },
        },
      },
    },
  });
});
afterAll(() => cluster?.stop());

it('lets a slow-starting container live through its liveness initialDelaySeconds', async () => {
  // Ready, and running for longer than the liveness delay: its first liveness probe has run.
  const pod = await eventually(
    'the pod ready and past its liveness delay',
    async () => {
      const pods = await core.listNamespacedPod({
        namespace: 'default',
        labelSelector: 'app=slow-start',
      });
      return pods.items.find((p: V1Pod) => {
        const status = p.status?.containerStatuses?.[0];
        const startedAt = status?.state?.running?.startedAt;
        return (
          status?.ready &&
          startedAt &&
          Date.now() - new Date(startedAt).getTime() > (LIVENESS_DELAY_S + 1) * 1000
        );
      });
    },
    { timeoutMs: 20_000 },
  );
  expect(pod.status?.containerStatuses?.[0].restartCount).toBe(0);
});

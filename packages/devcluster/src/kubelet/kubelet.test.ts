// The dev kubelet with a fixture program: Deployments become ready local processes with their
// env, Secret volumes and rewritten ports; Services are reachable through their published
// loopback address; crashes restart; template changes roll; deletion stops the processes.
import path from 'node:path';
import {
  AppsV1Api,
  CoordinationV1Api,
  CoreV1Api,
  PatchStrategy,
  setHeaderOptions,
  type V1Deployment,
} from '@kubernetes/client-node';
import { describeDevclusterOnly, eventually } from '@virtrigaud/testing';
import { DEVCLUSTER_ADDRESSES_ANNOTATION } from '@virtrigaud/kube';
import {
  clusterUnderTest,
  externalKubeconfig,
  type ClusterUnderTest,
} from '../testing/cluster-under-test';
import { isRunning } from '../testing/process-alive';

jest.setTimeout(30_000);

const FIXTURE = path.join(__dirname, 'fixtures', 'ready-server.js');
const IMAGE = 'ghcr.io/example/ready-server:v1';

function deployment(name: string, env: Record<string, string> = {}): V1Deployment {
  return {
    metadata: { name },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [
            {
              name: 'server',
              image: IMAGE,
              args: ['--listen=:8080'],
              ports: [{ name: 'http', containerPort: 8080 }],
              env: [
                { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
                {
                  name: 'API_USER',
                  valueFrom: { secretKeyRef: { name: 'creds', key: 'username' } },
                },
                { name: 'READY_AFTER_MS', value: '300' },
                ...Object.entries(env).map(([k, v]) => ({ name: k, value: v })),
              ],
              readinessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 1 },
              volumeMounts: [
                { name: 'creds', mountPath: '/etc/virtrigaud/credentials', readOnly: true },
                { name: 'config', mountPath: '/etc/virtrigaud/config', readOnly: true },
              ],
            },
          ],
          volumes: [
            { name: 'creds', secret: { secretName: 'creds' } },
            { name: 'config', configMap: { name: 'provider-config' } },
          ],
        },
      },
    },
  };
}

const noDevKubelet = externalKubeconfig
  ? 'KUBECONFIG_UNDER_TEST names a real cluster, which has no dev kubelet'
  : undefined;
describeDevclusterOnly('dev kubelet', noDevKubelet, () => {
  let cluster: ClusterUnderTest;
  let core: CoreV1Api;
  let apps: AppsV1Api;
  const namespace = 'default';

  beforeAll(async () => {
    cluster = await clusterUnderTest({
      kubelet: {
        images: { [IMAGE.split(':')[0]]: [FIXTURE] },
        maxProbePeriodMs: 200,
        restartBackoffMs: 100,
      },
    });
    core = cluster.kc.makeApiClient(CoreV1Api);
    apps = cluster.kc.makeApiClient(AppsV1Api);
    await core.createNamespacedSecret({
      namespace,
      body: { metadata: { name: 'creds' }, stringData: { username: 'admin', password: 'hunter2' } },
    });
    await core.createNamespacedConfigMap({
      namespace,
      body: { metadata: { name: 'provider-config' }, data: { 'provider.json': '{"defaults":{}}' } },
    });
    await core.createNamespacedService({
      namespace,
      body: {
        metadata: { name: 'web' },
        spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
      },
    });
    await apps.createNamespacedDeployment({ namespace, body: deployment('web') });
  }, 30_000);
  afterAll(() => cluster?.stop(), 30_000);

  const readyDeployment = (name: string, generation?: number) =>
    eventually(
      `${name} to be ready`,
      async () => {
        const d = await apps.readNamespacedDeployment({ name, namespace });
        const s = d.status;
        return s?.readyReplicas === 2 &&
          s.updatedReplicas === 2 &&
          s.replicas === 2 &&
          (!generation || s.observedGeneration === generation)
          ? d
          : undefined;
      },
      { timeoutMs: 20_000 },
    );

  const serviceAddress = () =>
    eventually('the pod addresses on Service web', async () => {
      const service = await core.readNamespacedService({ name: 'web', namespace });
      const annotation = service.metadata?.annotations?.[DEVCLUSTER_ADDRESSES_ANNOTATION];
      return annotation ? (JSON.parse(annotation) as Record<string, string>) : undefined;
    });

  const ask = async (address: string) =>
    (await (await fetch(`http://${address}/`)).json()) as {
      pid: number;
      argv: string[];
      env: Record<string, string>;
      credentials: Record<string, { content: string; mode: string }>;
      config: Record<string, { content: string; mode: string }>;
    };

  it('runs the replicas as ready pods and reports it in Deployment status', async () => {
    const ready = await readyDeployment('web');
    expect(ready.status?.conditions?.find((c) => c.type === 'Available')?.status).toBe('True');
    const pods = await core.listNamespacedPod({ namespace, labelSelector: 'app=web' });
    expect(pods.items).toHaveLength(2);
    for (const pod of pods.items) {
      expect(pod.status).toMatchObject({ phase: 'Running', podIP: '127.0.0.1' });
      expect(pod.spec?.nodeName).toBe('devcluster');
    }
    // The node keeps its Lease, as a real kubelet does.
    const lease = await cluster.kc
      .makeApiClient(CoordinationV1Api)
      .readNamespacedLease({ name: 'devcluster', namespace: 'kube-node-lease' });
    expect(lease.spec?.holderIdentity).toBe('devcluster');
    expect(lease.spec?.renewTime).toBeDefined();
  });

  it('publishes a loopback address for the Service that reaches ready pods, with env, secrets, config and rewritten ports', async () => {
    const addresses = await serviceAddress();
    expect(addresses).toEqual({
      http: addresses['80'],
      '80': expect.stringMatching(/^127\.0\.0\.1:\d+$/),
    });
    const seen = new Set<string>();
    for (let i = 0; i < 4; i++) {
      const answer = await ask(addresses.http);
      seen.add(answer.env.POD_NAME);
      expect(answer.env.API_USER).toBe('admin');
      expect(answer.argv[0]).toMatch(/^--listen=127\.0\.0\.1:\d+$/);
      expect(answer.argv[0]).not.toBe('--listen=127.0.0.1:8080');
      expect(answer.credentials.password).toEqual({ content: 'hunter2', mode: '600' });
      expect(answer.env.VIRTRIGAUD_CREDENTIALS_DIR).toMatch(/etc\/virtrigaud\/credentials$/);
      // The provider runtime reads provider.json from VIRTRIGAUD_CONFIG_DIR, as from the real mount.
      expect(answer.env.VIRTRIGAUD_CONFIG_DIR).toMatch(/etc\/virtrigaud\/config$/);
      expect(answer.config['provider.json']).toEqual({ content: '{"defaults":{}}', mode: '644' });
    }
    expect(seen.size).toBe(2); // round-robin over both pods
    const slices = await cluster.kc
      .makeApiClient((await import('@kubernetes/client-node')).DiscoveryV1Api)
      .listNamespacedEndpointSlice({ namespace, labelSelector: 'kubernetes.io/service-name=web' });
    expect(slices.items).toHaveLength(2);
    expect(
      slices.items.every(
        (s) =>
          s.endpoints?.[0]?.addresses[0] === '127.0.0.1' && s.endpoints?.[0]?.conditions?.ready,
      ),
    ).toBe(true);
  });

  it('restarts a crashed process and counts the restart', async () => {
    const addresses = await serviceAddress();
    const before = await ask(addresses.http);
    // Straight to that pod's own port: the Service would round-robin.
    await fetch(`http://${before.argv[0].slice('--listen='.length)}/crash`).catch(() => undefined);
    const pod = await eventually(
      'a restart',
      async () => {
        const found = (await core.readNamespacedPod({ name: before.env.POD_NAME, namespace }))
          .status?.containerStatuses?.[0];
        return found && found.restartCount >= 1 && found.ready ? found : undefined;
      },
      { timeoutMs: 20_000 },
    );
    expect(pod.lastState?.terminated?.exitCode).toBe(3);
    const logs = await core.readNamespacedPodLog({ name: before.env.POD_NAME, namespace });
    expect(logs.match(/listening on/g)?.length).toBeGreaterThanOrEqual(2);
  });

  it('rolls the pods when the template changes', async () => {
    const before = new Set(
      (await core.listNamespacedPod({ namespace, labelSelector: 'app=web' })).items.map(
        (p) => p.metadata?.name,
      ),
    );
    const patched = await apps.patchNamespacedDeployment(
      {
        name: 'web',
        namespace,
        body: {
          spec: {
            template: {
              spec: { containers: [{ name: 'server', env: [{ name: 'VERSION', value: '2' }] }] },
            },
          },
        },
      },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
    await readyDeployment('web', patched.metadata?.generation);
    const pods = await eventually(
      'the old pods to go',
      async () => {
        const list = (await core.listNamespacedPod({ namespace, labelSelector: 'app=web' })).items;
        return list.length === 2 && list.every((p) => !before.has(p.metadata?.name))
          ? list
          : undefined;
      },
      { timeoutMs: 20_000 },
    );
    expect(pods.every((p) => p.spec?.containers[0].env?.some((e) => e.name === 'VERSION'))).toBe(
      true,
    );
    const answer = await ask((await serviceAddress()).http);
    expect(answer.env.VERSION).toBe('2');
  });

  it('stops the processes when the Deployment is deleted', async () => {
    const pids = await Promise.all(
      [0, 1].map(async () => (await ask((await serviceAddress()).http)).pid),
    );
    await apps.deleteNamespacedDeployment({ name: 'web', namespace });
    await eventually(
      'the pods to go',
      async () =>
        (await core.listNamespacedPod({ namespace, labelSelector: 'app=web' })).items.length === 0
          ? true
          : undefined,
      { timeoutMs: 20_000 },
    );
    for (const pid of pids) expect(isRunning(pid)).toBe(false);
  });
});

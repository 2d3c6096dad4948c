// Watch semantics: event stream, resume from a resourceVersion, selector transitions, bookmarks,
// and 410 Gone for versions older than the server's history.
import { CoreV1Api, KubeConfig, Watch } from '@kubernetes/client-node';
import { describeOrReportNotRun, eventually } from '@virtrigaud/testing';
import { startDevCluster, type DevCluster } from '../cluster';
import {
  clusterUnderTest,
  externalKubeconfig,
  type ClusterUnderTest,
} from '../testing/cluster-under-test';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- watch events carry untyped JSON
type Seen = { type: string; name?: string; resourceVersion?: string; object: any };

/** Starts a watch and collects its events until stopped. */
async function collect(
  kc: KubeConfig,
  path: string,
  query: Record<string, string | number | boolean | undefined>,
) {
  const events: Seen[] = [];
  let ended: unknown = 'open';
  const controller = await new Watch(kc).watch(
    path,
    query,
    (type, object) =>
      events.push({
        type,
        name: object?.metadata?.name,
        resourceVersion: object?.metadata?.resourceVersion,
        object,
      }),
    (error) => (ended = error ?? 'done'),
  );
  return { events, stop: () => controller.abort(), ended: () => ended };
}

let cluster: ClusterUnderTest;
let core: CoreV1Api;
let namespace: string;

beforeAll(async () => {
  cluster = await clusterUnderTest({ bookmarkIntervalMs: 200 });
  core = cluster.kc.makeApiClient(CoreV1Api);
  namespace = await cluster.newNamespace('watch');
});
afterAll(() => cluster?.stop());

it('streams ADDED, MODIFIED and DELETED for changes after the given resourceVersion', async () => {
  const list = await core.listNamespacedConfigMap({ namespace });
  const watch = await collect(cluster.kc, `/api/v1/namespaces/${namespace}/configmaps`, {
    resourceVersion: list.metadata?.resourceVersion,
  });
  await core.createNamespacedConfigMap({
    namespace,
    body: { metadata: { name: 'w1' }, data: { a: '1' } },
  });
  await core.replaceNamespacedConfigMap({
    name: 'w1',
    namespace,
    body: { metadata: { name: 'w1' }, data: { a: '2' } },
  });
  await core.deleteNamespacedConfigMap({ name: 'w1', namespace });
  await eventually('three events', () => (watch.events.length >= 3 ? true : undefined), {
    timeoutMs: 5000,
  });
  watch.stop();
  expect(watch.events.map((e) => `${e.type} ${e.name}`)).toEqual([
    'ADDED w1',
    'MODIFIED w1',
    'DELETED w1',
  ]);
  expect(watch.events[1].object.data).toEqual({ a: '2' });
  const versions = watch.events.map((e) => Number(e.resourceVersion));
  expect([...versions].sort((a, b) => a - b)).toEqual(versions);
});

it('resumes from a resourceVersion and replays what happened since', async () => {
  const created = await core.createNamespacedConfigMap({
    namespace,
    body: { metadata: { name: 'resume' } },
  });
  await core.patchNamespacedConfigMap({
    name: 'resume',
    namespace,
    body: [{ op: 'add', path: '/data', value: { step: '1' } }],
  });
  await core.patchNamespacedConfigMap({
    name: 'resume',
    namespace,
    body: [{ op: 'replace', path: '/data/step', value: '2' }],
  });
  const watch = await collect(cluster.kc, `/api/v1/namespaces/${namespace}/configmaps`, {
    resourceVersion: created.metadata?.resourceVersion,
    fieldSelector: 'metadata.name=resume',
  });
  await eventually('replayed events', () => (watch.events.length >= 2 ? true : undefined), {
    timeoutMs: 5000,
  });
  watch.stop();
  expect(watch.events.map((e) => [e.type, e.object.data?.step])).toEqual([
    ['MODIFIED', '1'],
    ['MODIFIED', '2'],
  ]);
});

it('sends the current objects as ADDED when no resourceVersion is given', async () => {
  await core.createNamespacedConfigMap({
    namespace,
    body: { metadata: { name: 'existing', labels: { initial: 'yes' } } },
  });
  const watch = await collect(cluster.kc, `/api/v1/namespaces/${namespace}/configmaps`, {
    labelSelector: 'initial=yes',
  });
  await eventually('initial event', () => (watch.events.length >= 1 ? true : undefined), {
    timeoutMs: 5000,
  });
  watch.stop();
  expect(watch.events.map((e) => `${e.type} ${e.name}`)).toEqual(['ADDED existing']);
});

it('reports objects entering and leaving a label selector as ADDED and DELETED', async () => {
  const list = await core.listNamespacedConfigMap({ namespace });
  const watch = await collect(cluster.kc, `/api/v1/namespaces/${namespace}/configmaps`, {
    resourceVersion: list.metadata?.resourceVersion,
    labelSelector: 'tier in (web,api)',
  });
  await core.createNamespacedConfigMap({
    namespace,
    body: { metadata: { name: 'moving', labels: { tier: 'db' } } },
  });
  await core.replaceNamespacedConfigMap({
    name: 'moving',
    namespace,
    body: { metadata: { name: 'moving', labels: { tier: 'web' } } },
  });
  await core.replaceNamespacedConfigMap({
    name: 'moving',
    namespace,
    body: { metadata: { name: 'moving', labels: { tier: 'db' } } },
  });
  await eventually('selector transitions', () => (watch.events.length >= 2 ? true : undefined), {
    timeoutMs: 5000,
  });
  watch.stop();
  expect(watch.events.map((e) => e.type)).toEqual(['ADDED', 'DELETED']);
});

describeOrReportNotRun(
  'BOOKMARK events',
  externalKubeconfig
    ? 'KUBECONFIG_UNDER_TEST names a real cluster, whose bookmark timing is its own'
    : undefined,
  () => {
    it('sends BOOKMARK events when asked to', async () => {
      const list = await core.listNamespacedConfigMap({ namespace });
      const watch = await collect(cluster.kc, `/api/v1/namespaces/${namespace}/configmaps`, {
        resourceVersion: list.metadata?.resourceVersion,
        allowWatchBookmarks: true,
      });
      const bookmark = await eventually(
        'a bookmark',
        () => watch.events.find((e) => e.type === 'BOOKMARK'),
        { timeoutMs: 5000 },
      );
      watch.stop();
      expect(Number(bookmark.resourceVersion)).toBeGreaterThanOrEqual(
        Number(list.metadata?.resourceVersion),
      );
      expect(bookmark.object.kind).toBe('ConfigMap');
    });
  },
);

describe('expired resource versions', () => {
  let small: DevCluster;
  beforeAll(async () => {
    small = await startDevCluster({ watchHistorySize: 5 });
  });
  afterAll(() => small?.stop());

  it('answers a watch from a forgotten resourceVersion with 410 Gone', async () => {
    const kc = new KubeConfig();
    kc.loadFromFile(small.kubeconfigPath);
    const api = kc.makeApiClient(CoreV1Api);
    const first = await api.createNamespacedConfigMap({
      namespace: 'default',
      body: { metadata: { name: 'old' } },
    });
    for (let i = 0; i < 10; i++)
      await api.createNamespacedConfigMap({
        namespace: 'default',
        body: { metadata: { name: `newer-${i}` } },
      });
    const watch = await collect(kc, '/api/v1/namespaces/default/configmaps', {
      resourceVersion: first.metadata?.resourceVersion,
    });
    const error = await eventually(
      'an ERROR event',
      () => watch.events.find((e) => e.type === 'ERROR'),
      { timeoutMs: 5000 },
    );
    watch.stop();
    expect(error.object).toMatchObject({ kind: 'Status', code: 410, reason: 'Expired' });
    // A recent version still works.
    const list = await api.listNamespacedConfigMap({ namespace: 'default' });
    const fresh = await collect(kc, '/api/v1/namespaces/default/configmaps', {
      resourceVersion: list.metadata?.resourceVersion,
    });
    await api.createNamespacedConfigMap({
      namespace: 'default',
      body: { metadata: { name: 'latest' } },
    });
    await eventually(
      'an event after a fresh version',
      () => fresh.events.find((e) => e.name === 'latest'),
      { timeoutMs: 5000 },
    );
    fresh.stop();
  });
});

it('delivers a write’s watch event sometimes before, sometimes after the write’s response', async () => {
  // A real server's watch cache often sends the event first; the devcluster under test draws
  // the order per write from a seeded PRNG, so code assuming either order fails on both.
  const list = await core.listNamespacedConfigMap({ namespace });
  const watch = await collect(cluster.kc, `/api/v1/namespaces/${namespace}/configmaps`, {
    resourceVersion: list.metadata?.resourceVersion,
  });
  const orders = new Set<string>();
  for (let i = 0; i < 40 && orders.size < 2; i++) {
    const name = `order-${i}`;
    await core.createNamespacedConfigMap({ namespace, body: { metadata: { name } } });
    orders.add(watch.events.some((e) => e.name === name) ? 'event first' : 'response first');
    await eventually(`the event for ${name}`, () => watch.events.some((e) => e.name === name));
  }
  watch.stop();
  expect([...orders].sort()).toEqual(['event first', 'response first']);
});

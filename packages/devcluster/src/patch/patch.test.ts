// PATCH: JSON merge patch, JSON patch and strategic merge patch, as clients send them.
import {
  ApiextensionsV1Api,
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { eventually } from '@virtrigaud/testing';
import { clusterUnderTest, failure, type ClusterUnderTest } from '../testing/cluster-under-test';
import { typed, widgetCrd } from '../testing/fixtures';

let cluster: ClusterUnderTest;
let core: CoreV1Api;
let apps: AppsV1Api;
let namespace: string;
const as = (strategy: string) => setHeaderOptions('Content-Type', strategy);

beforeAll(async () => {
  cluster = await clusterUnderTest();
  core = cluster.kc.makeApiClient(CoreV1Api);
  apps = cluster.kc.makeApiClient(AppsV1Api);
  namespace = await cluster.newNamespace('patch');
});
const GROUP = 'patch.test.virtrigaud.io';

afterAll(async () => {
  await cluster?.kc
    .makeApiClient(ApiextensionsV1Api)
    .deleteCustomResourceDefinition({ name: `widgets.${GROUP}` })
    .catch(() => undefined);
  await cluster?.stop();
});

it('applies a JSON merge patch: objects merge, null deletes, lists replace', async () => {
  await core.createNamespacedConfigMap({
    namespace,
    body: {
      metadata: { name: 'merge', labels: { a: '1', b: '2' } },
      data: { keep: 'x', drop: 'y' },
    },
  });
  const patched = await core.patchNamespacedConfigMap(
    {
      name: 'merge',
      namespace,
      body: { metadata: { labels: { b: null, c: '3' } }, data: { drop: null } },
    },
    as(PatchStrategy.MergePatch),
  );
  expect(patched.metadata?.labels).toEqual({ a: '1', c: '3' });
  expect(patched.data).toEqual({ keep: 'x' });
});

it('applies a JSON patch and rejects a failing test operation with 422', async () => {
  await core.createNamespacedConfigMap({
    namespace,
    body: { metadata: { name: 'json' }, data: { v: '1' } },
  });
  const patched = await core.patchNamespacedConfigMap({
    name: 'json',
    namespace,
    body: [
      { op: 'test', path: '/data/v', value: '1' },
      { op: 'replace', path: '/data/v', value: '2' },
    ],
  });
  expect(patched.data).toEqual({ v: '2' });
  const { code } = await failure(
    core.patchNamespacedConfigMap({
      name: 'json',
      namespace,
      body: [{ op: 'test', path: '/data/v', value: 'nope' }],
    }),
  );
  expect(code).toBe(422);
});

it('merges containers and env by name with a strategic merge patch', async () => {
  await apps.createNamespacedDeployment({
    namespace,
    body: {
      metadata: { name: 'smp' },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: 'smp' } },
        template: {
          metadata: { labels: { app: 'smp' } },
          spec: {
            containers: [
              { name: 'a', image: 'i:1', env: [{ name: 'X', value: '1' }] },
              { name: 'b', image: 'j:1' },
            ],
          },
        },
      },
    },
  });
  const patched = await apps.patchNamespacedDeployment(
    {
      name: 'smp',
      namespace,
      body: {
        spec: {
          template: {
            spec: {
              containers: [
                { name: 'a', env: [{ name: 'Y', value: '2' }] },
                { name: 'b', $patch: 'delete' },
              ],
            },
          },
        },
      },
    },
    as(PatchStrategy.StrategicMergePatch),
  );
  const containers = patched.spec?.template.spec?.containers ?? [];
  expect(containers.map((c) => c.name)).toEqual(['a']);
  expect(containers[0].image).toBe('i:1');
  // Without $setElementOrder the real server puts the patch's new items before the old ones.
  expect(containers[0].env).toEqual([
    { name: 'Y', value: '2' },
    { name: 'X', value: '1' },
  ]);
});

it('refuses a strategic merge patch on a custom resource with 415', async () => {
  await cluster.kc
    .makeApiClient(ApiextensionsV1Api)
    .createCustomResourceDefinition({ body: typed(widgetCrd(GROUP)) });
  const objects = cluster.kc.makeApiClient(CustomObjectsApi);
  await eventually('widgets to be served', () =>
    objects.listNamespacedCustomObject({
      group: GROUP,
      version: 'v1',
      plural: 'widgets',
      namespace,
    }),
  );
  const widgets = { group: GROUP, version: 'v1', plural: 'widgets', namespace };
  await objects.createNamespacedCustomObject({
    ...widgets,
    body: {
      apiVersion: `${GROUP}/v1`,
      kind: 'Widget',
      metadata: { name: 'w' },
      spec: { size: 1 },
    },
  });
  // The same change, sent as each patch type.
  const growWidget = (strategy: string) =>
    objects.patchNamespacedCustomObject(
      { ...widgets, name: 'w', body: { spec: { size: 2 } } },
      as(strategy),
    );
  const { code } = await failure(growWidget(PatchStrategy.StrategicMergePatch));
  expect(code).toBe(415);
  const merged = await growWidget(PatchStrategy.MergePatch);
  expect((merged as { spec: { size: number } }).spec.size).toBe(2);
});

it('rejects a patch carrying a stale resourceVersion with 409', async () => {
  const created = await core.createNamespacedConfigMap({
    namespace,
    body: { metadata: { name: 'rv' } },
  });
  await core.patchNamespacedConfigMap(
    { name: 'rv', namespace, body: { data: { a: '1' } } },
    as(PatchStrategy.MergePatch),
  );
  const { code } = await failure(
    core.patchNamespacedConfigMap(
      {
        name: 'rv',
        namespace,
        body: {
          metadata: { resourceVersion: created.metadata?.resourceVersion },
          data: { a: '2' },
        },
      },
      as(PatchStrategy.MergePatch),
    ),
  );
  expect(code).toBe(409);
});

// CustomResourceDefinitions: dynamic registration, OpenAPI v3 validation with field paths,
// defaulting, pruning, CEL rules, the status subresource, printer columns, and cleanup.
import fs from 'node:fs';
import path from 'node:path';
import { eventually } from '@virtrigaud/testing';
import { parse } from 'yaml';
import {
  ApiextensionsV1Api,
  CustomObjectsApi,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { clusterUnderTest, failure, type ClusterUnderTest } from '../testing/cluster-under-test';
import { typed, widgetCrd } from '../testing/fixtures';

/* eslint-disable @typescript-eslint/no-explicit-any -- custom objects are untyped JSON */

let cluster: ClusterUnderTest;
let crds: ApiextensionsV1Api;
let objects: CustomObjectsApi;
let namespace: string;
const GROUP = 'crd.test.virtrigaud.io';
const widgets = { group: GROUP, version: 'v1', plural: 'widgets' };
const widget = (name: string, spec: Record<string, unknown>) => ({
  apiVersion: `${GROUP}/v1`,
  kind: 'Widget',
  metadata: { name },
  spec,
});
const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

beforeAll(async () => {
  cluster = await clusterUnderTest();
  crds = cluster.kc.makeApiClient(ApiextensionsV1Api);
  objects = cluster.kc.makeApiClient(CustomObjectsApi);
  namespace = await cluster.newNamespace('crd');
  await crds.createCustomResourceDefinition({ body: typed(widgetCrd(GROUP)) });
  await eventually('the widgets CRD Established', async () =>
    (
      await crds.readCustomResourceDefinition({ name: `widgets.${GROUP}` })
    ).status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')
      ? true
      : undefined,
  );
});
afterAll(async () => {
  await crds?.deleteCustomResourceDefinition({ name: `widgets.${GROUP}` }).catch(() => undefined);
  for (const name of operatorCrds)
    await crds?.deleteCustomResourceDefinition({ name }).catch(() => undefined);
  await cluster?.stop();
});

it('serves the new resource in discovery once the CRD is established', async () => {
  const response = await cluster.request(`/apis/${GROUP}/v1`);
  const list = JSON.parse(response.text);
  expect(list.resources.map((r: any) => r.name)).toEqual(
    expect.arrayContaining(['widgets', 'widgets/status', 'widgets/scale']),
  );
  expect(list.resources.find((r: any) => r.name === 'widgets')).toMatchObject({
    kind: 'Widget',
    namespaced: true,
    shortNames: ['wdg'],
  });
});

it('applies schema defaults, including inside list items', async () => {
  const created = (await objects.createNamespacedCustomObject({
    ...widgets,
    namespace,
    body: widget('defaults', { size: 1, parts: [{ name: 'bolt' }] }),
  })) as any;
  expect(created.spec).toEqual({
    size: 1,
    max: 10,
    color: 'red',
    owner: 'nobody',
    parts: [{ name: 'bolt', count: 1 }],
  });
  expect(created.metadata.generation).toBe(1);
});

it('rejects invalid objects with 422 naming every field', async () => {
  const { code, status } = await failure(
    objects.createNamespacedCustomObject({
      ...widgets,
      namespace,
      body: widget('bad', {
        size: -1,
        color: 'pink',
        name: 'UPPER',
        parts: [{ name: 'a' }, { name: 'a' }],
      }),
    }),
  );
  expect(code).toBe(422);
  expect(status.reason).toBe('Invalid');
  const fields = status.details?.causes?.map((c) => c.field);
  expect(fields).toEqual(
    expect.arrayContaining(['spec.size', 'spec.color', 'spec.name', 'spec.parts[1]']),
  );
  expect(status.message).toMatch(/^Widget\.crd\.test\.virtrigaud\.io "bad" is invalid: \[/);
  expect(status.message).toContain(
    'spec.color: Unsupported value: "pink": supported values: "red", "green", "blue"',
  );
  const missing = await failure(
    objects.createNamespacedCustomObject({ ...widgets, namespace, body: widget('missing', {}) }),
  );
  expect(missing.status.message).toContain('spec.size: Required value');
});

it('enforces x-kubernetes-validations CEL rules, including transition rules', async () => {
  const broken = await failure(
    objects.createNamespacedCustomObject({
      ...widgets,
      namespace,
      body: widget('cel', { size: 5, max: 2 }),
    }),
  );
  expect(broken.code).toBe(422);
  expect(broken.status.message).toContain(
    'spec.max: Invalid value: "object": max must be at least size',
  );
  await objects.createNamespacedCustomObject({
    ...widgets,
    namespace,
    body: widget('owned', { size: 1, owner: 'alice' }),
  });
  const changed = await failure(
    objects.patchNamespacedCustomObject(
      { ...widgets, namespace, name: 'owned', body: { spec: { owner: 'bob' } } },
      mergePatch,
    ),
  );
  expect(changed.code).toBe(422);
  expect(changed.status.message).toContain('owner is immutable');
});

it('prunes unknown fields, and rejects them with fieldValidation=Strict', async () => {
  const created = (await objects.createNamespacedCustomObject({
    ...widgets,
    namespace,
    body: widget('prune', { size: 1, bogus: true }),
  })) as any;
  expect(created.spec.bogus).toBeUndefined();
  const { code, status } = await failure(
    objects.createNamespacedCustomObject({
      ...widgets,
      namespace,
      body: widget('strict', { size: 1, bogus: true }),
      fieldValidation: 'Strict',
    }),
  );
  expect(code).toBe(400);
  expect(status.message).toContain('unknown field "spec.bogus"');
});

it('keeps spec and status apart through the status subresource', async () => {
  const created = (await objects.createNamespacedCustomObject({
    ...widgets,
    namespace,
    body: { ...widget('status', { size: 1 }), status: { phase: 'ignored' } },
  })) as any;
  expect(created.status).toBeUndefined();
  const withStatus = (await objects.patchNamespacedCustomObjectStatus(
    {
      ...widgets,
      namespace,
      name: 'status',
      body: { status: { phase: 'Ready' }, spec: { size: 9 } },
    },
    mergePatch,
  )) as any;
  expect(withStatus.status.phase).toBe('Ready');
  expect(withStatus.spec.size).toBe(1);
  expect(withStatus.metadata.generation).toBe(1);
  const mainUpdate = (await objects.patchNamespacedCustomObject(
    {
      ...widgets,
      namespace,
      name: 'status',
      body: { spec: { size: 2 }, status: { phase: 'Hacked' } },
    },
    mergePatch,
  )) as any;
  expect(mainUpdate.status.phase).toBe('Ready');
  expect(mainUpdate.spec.size).toBe(2);
  expect(mainUpdate.metadata.generation).toBe(2);
});

it('prints additionalPrinterColumns in server-side tables', async () => {
  await objects.createNamespacedCustomObject({
    ...widgets,
    namespace,
    body: widget('table', { size: 3, color: 'blue' }),
  });
  const response = await cluster.request(
    `/apis/${GROUP}/v1/namespaces/${namespace}/widgets/table`,
    {
      headers: { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' },
    },
  );
  const table = JSON.parse(response.text);
  expect(table.kind).toBe('Table');
  expect(table.columnDefinitions.map((c: any) => c.name)).toEqual([
    'Name',
    'Size',
    'Color',
    'Phase',
  ]);
  expect(table.rows[0].cells).toEqual(['table', 3, 'blue', null]);
});

it('deletes every custom object with its CRD, then answers its paths with a plain 404', async () => {
  const crd = widgetCrd(GROUP);
  crd.metadata.name = `gadgets.${GROUP}`;
  crd.spec.names = { plural: 'gadgets', singular: 'gadget', kind: 'Gadget' };
  await crds.createCustomResourceDefinition({ body: typed(crd) });
  const gadgets = { group: GROUP, version: 'v1', plural: 'gadgets' };
  await eventually('gadgets to be served', () =>
    objects.listNamespacedCustomObject({ ...gadgets, namespace }),
  );
  await objects.createNamespacedCustomObject({
    ...gadgets,
    namespace,
    body: {
      apiVersion: `${GROUP}/v1`,
      kind: 'Gadget',
      metadata: { name: 'g' },
      spec: { size: 1 },
    },
  });
  await crds.deleteCustomResourceDefinition({ name: `gadgets.${GROUP}` });
  await eventually(
    'the CRD to go',
    async () =>
      (await failure(crds.readCustomResourceDefinition({ name: `gadgets.${GROUP}` }))).code === 404
        ? true
        : undefined,
    { timeoutMs: 20_000 },
  );
  // Not a Status: the group's other CRDs are still served, but nothing serves this path.
  const gone = await cluster.request(`/apis/${GROUP}/v1/namespaces/${namespace}/gadgets`);
  expect(gone.status).toBe(404);
  expect(gone.headers['content-type']).toMatch(/^text\/plain/);
  expect(gone.text).toBe('404 page not found\n');
}, 30_000);

it('rejects a CRD whose name does not match its group and plural', async () => {
  const crd = widgetCrd(GROUP);
  crd.metadata.name = `wrong.${GROUP}`;
  const { code, status } = await failure(crds.createCustomResourceDefinition({ body: typed(crd) }));
  expect(code).toBe(422);
  expect(status.details?.causes?.map((c) => c.field)).toContain('metadata.name');
});

const crdDir = path.resolve(__dirname, '..', '..', '..', '..', 'operator', 'config', 'crd');
// The generated CRDs are committed: missing files fail here rather than skip the test.
const manifests = fs.existsSync(crdDir)
  ? fs.readdirSync(crdDir).filter((f) => f.endsWith('.yaml'))
  : [];
/** The operator's CRDs this suite created, deleted again in afterAll. */
const operatorCrds: string[] = [];
it(`accepts every CRD in operator/config/crd (${manifests.length} files) and serves its kind`, async () => {
  expect(manifests.length).toBeGreaterThanOrEqual(5);
  for (const file of manifests) {
    const crd = parse(fs.readFileSync(path.join(crdDir, file), 'utf8'));
    await crds.createCustomResourceDefinition({ body: typed(crd) });
    operatorCrds.push(crd.metadata.name);
    const version = crd.spec.versions.find((v: any) => v.served).name;
    await eventually(
      `${crd.spec.names.plural} to be served`,
      () =>
        objects.listClusterCustomObject({
          group: crd.spec.group,
          version,
          plural: crd.spec.names.plural,
        }),
      { timeoutMs: 10_000 },
    );
  }
});

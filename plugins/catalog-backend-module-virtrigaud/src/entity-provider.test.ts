// The catalog module through the real test backend against a devcluster: entities appear,
// change and disappear as VirtualMachines do, as delta mutations.
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import {
  catalogProcessingExtensionPoint,
  type EntityProvider,
  type EntityProviderMutation,
} from '@backstage/plugin-catalog-node';
import { Resources } from '@virtrigaud/api';
import {
  createCatalogue,
  startTestCluster,
  vmManifest,
  type TestCluster,
} from '@virtrigaud/plugin-virtrigaud-backend/dist/testing/test-cluster';
import { eventually } from '@virtrigaud/testing';
import catalogModuleVirtrigaud from './index';

jest.setTimeout(60_000);

let cluster: TestCluster;
let backend: Awaited<ReturnType<typeof startTestBackend>>;
let ns: string;
const mutations: EntityProviderMutation[] = [];

/** The catalog's view after applying every mutation, by entity name. */
function catalog(): Map<string, Entity> {
  const entities = new Map<string, Entity>();
  for (const mutation of mutations) {
    if (mutation.type === 'full') {
      entities.clear();
      for (const { entity } of mutation.entities) entities.set(entity.metadata.name, entity);
      continue;
    }
    for (const { entity } of mutation.added) entities.set(entity.metadata.name, entity);
    for (const removed of mutation.removed) {
      const ref = 'entityRef' in removed ? removed.entityRef : '';
      entities.delete(ref.split('/').pop()!);
    }
  }
  return entities;
}

beforeAll(async () => {
  cluster = await startTestCluster();
  ns = await cluster.newNamespace('catalog');
  await createCatalogue(cluster.client, ns);
  await cluster.client.create(
    Resources.VirtualMachine,
    vmManifest(ns, 'web-1', { owner: 'user:default/alice' }),
  );
  const providers: EntityProvider[] = [];
  backend = await startTestBackend({
    extensionPoints: [
      [
        catalogProcessingExtensionPoint,
        {
          addEntityProvider: (...p: unknown[]) => providers.push(...(p.flat() as EntityProvider[])),
        },
      ],
    ],
    features: [
      catalogModuleVirtrigaud,
      mockServices.rootConfig.factory({
        data: {
          virtrigaud: {
            clusters: [{ name: 'local', kubeconfigPath: cluster.kubeconfigPath }],
            metrics: { intervalSeconds: 3600 },
            catalog: { defaultOwner: 'group:default/platform', system: 'virtrigaud' },
          },
        },
      }),
    ],
  });
  // What the catalog backend does with a registered provider.
  await providers[0].connect({
    applyMutation: async (mutation) => void mutations.push(mutation),
    refresh: async () => undefined,
  });
});

afterAll(async () => {
  await backend?.stop();
  await cluster?.stop();
});

it('starts with a full snapshot: a Resource per VM and per Provider', async () => {
  await eventually('full mutation', () => mutations.some((m) => m.type === 'full'));
  const vm = catalog().get(`local.${ns}.web-1`)!;
  expect(vm).toMatchObject({
    kind: 'Resource',
    spec: {
      type: 'virtual-machine',
      owner: 'user:default/alice',
      system: 'virtrigaud',
      dependsOn: [`resource:default/local.${ns}.lab`],
    },
    metadata: {
      annotations: {
        'virtrigaud.io/kind': 'VirtualMachine',
        'backstage.io/kubernetes-label-selector':
          'app.kubernetes.io/name=virtrigaud-provider,app.kubernetes.io/instance=lab',
      },
    },
  });
  expect(catalog().get(`local.${ns}.lab`)).toMatchObject({
    spec: { type: 'hypervisor-provider', owner: 'group:default/platform' },
    metadata: { tags: ['mock'] },
  });
});

it('adds, changes and removes entities with delta mutations as VMs come and go', async () => {
  await eventually('full mutation', () => mutations.some((m) => m.type === 'full'));
  const fullCount = mutations.filter((m) => m.type === 'full').length;

  await cluster.client.create(Resources.VirtualMachine, vmManifest(ns, 'web-2'));
  const added = await eventually('web-2 entity', () => catalog().get(`local.${ns}.web-2`));
  expect(added.spec).toMatchObject({ owner: 'group:default/platform' });

  await cluster.client.patchStatus(Resources.VirtualMachine, ns, 'web-2', {
    status: { phase: 'Running', consoleURL: 'https://console.example/web-2' },
  });
  const changed = await eventually('web-2 running', () => {
    const entity = catalog().get(`local.${ns}.web-2`);
    return entity?.metadata.labels?.['virtrigaud.io/phase'] === 'running' && entity;
  });
  expect(changed.metadata.links).toEqual([
    { url: 'https://console.example/web-2', title: 'Console', icon: 'dashboard' },
  ]);

  await cluster.client.delete(Resources.VirtualMachine, ns, 'web-2');
  await eventually('web-2 removed', () => !catalog().has(`local.${ns}.web-2`));
  expect(mutations.filter((m) => m.type === 'full')).toHaveLength(fullCount);
  expect(catalog().has(`local.${ns}.web-1`)).toBe(true);
});

// CRUD semantics of built-in resources over real HTTP with @kubernetes/client-node.
import {
  AppsV1Api,
  CoordinationV1Api,
  CoreV1Api,
  DiscoveryV1Api,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { eventually } from '@virtrigaud/testing';
import { clusterUnderTest, failure, type ClusterUnderTest } from '../testing/cluster-under-test';

let cluster: ClusterUnderTest;
let core: CoreV1Api;
let apps: AppsV1Api;
let namespace: string;
const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

beforeAll(async () => {
  cluster = await clusterUnderTest();
  core = cluster.kc.makeApiClient(CoreV1Api);
  apps = cluster.kc.makeApiClient(AppsV1Api);
  namespace = await cluster.newNamespace('crud');
});
afterAll(() => cluster?.stop());

describe('metadata the server owns', () => {
  it('sets uid, resourceVersion and creationTimestamp on create and keeps them immutable', async () => {
    const created = await core.createNamespacedConfigMap({
      namespace,
      body: { metadata: { name: 'meta' }, data: { a: '1' } },
    });
    expect(created.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number(created.metadata?.resourceVersion)).toBeGreaterThan(0);
    expect(created.metadata?.creationTimestamp).toBeInstanceOf(Date);
    const updated = await core.replaceNamespacedConfigMap({
      name: 'meta',
      namespace,
      body: {
        ...created,
        metadata: { ...created.metadata, creationTimestamp: new Date(0) },
        data: { a: '2' },
      },
    });
    expect(updated.metadata?.uid).toBe(created.metadata?.uid);
    expect(updated.metadata?.creationTimestamp).toEqual(created.metadata?.creationTimestamp);
    expect(Number(updated.metadata?.resourceVersion)).toBeGreaterThan(
      Number(created.metadata?.resourceVersion),
    );
  });

  it('treats a different uid in an update body as a failed precondition (409)', async () => {
    const created = await core.createNamespacedConfigMap({
      namespace,
      body: { metadata: { name: 'forged-uid' } },
    });
    const { code, status } = await failure(
      core.replaceNamespacedConfigMap({
        name: 'forged-uid',
        namespace,
        body: { ...created, metadata: { ...created.metadata, uid: 'forged' } },
      }),
    );
    expect(code).toBe(409);
    expect(status.reason).toBe('Conflict');
    expect(status.message).toContain(
      `Precondition failed: UID in precondition: forged, UID in object meta: ${created.metadata?.uid}`,
    );
  });

  it('bumps generation on spec changes only', async () => {
    const body = {
      metadata: { name: 'gen' },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: 'gen' } },
        template: {
          metadata: { labels: { app: 'gen' } },
          spec: { containers: [{ name: 'c', image: 'example.com/c:v1' }] },
        },
      },
    };
    const created = await apps.createNamespacedDeployment({ namespace, body });
    expect(created.metadata?.generation).toBe(1);
    const labelled = await apps.patchNamespacedDeployment(
      { name: 'gen', namespace, body: { metadata: { labels: { x: 'y' } } } },
      mergePatch,
    );
    expect(labelled.metadata?.generation).toBe(1);
    const scaled = await apps.patchNamespacedDeployment(
      { name: 'gen', namespace, body: { spec: { replicas: 1 } } },
      mergePatch,
    );
    expect(scaled.metadata?.generation).toBe(2);
  });

  it('fills in generateName', async () => {
    const created = await core.createNamespacedConfigMap({
      namespace,
      body: { metadata: { generateName: 'gen-' } },
    });
    expect(created.metadata?.name).toMatch(/^gen-[a-z0-9]{5}$/);
  });
});

describe('create, get, list, update, delete', () => {
  it('round-trips a ConfigMap', async () => {
    await core.createNamespacedConfigMap({
      namespace,
      body: { metadata: { name: 'rt', labels: { app: 'rt' } }, data: { k: 'v' } },
    });
    expect((await core.readNamespacedConfigMap({ name: 'rt', namespace })).data).toEqual({
      k: 'v',
    });
    const list = await core.listNamespacedConfigMap({ namespace, labelSelector: 'app=rt' });
    expect(list.items.map((i) => i.metadata?.name)).toEqual(['rt']);
    expect(Number(list.metadata?.resourceVersion)).toBeGreaterThan(0);
    await core.deleteNamespacedConfigMap({ name: 'rt', namespace });
    expect((await failure(core.readNamespacedConfigMap({ name: 'rt', namespace }))).code).toBe(404);
  });

  it('answers 404 with a NotFound Status naming the resource', async () => {
    const { code, status } = await failure(core.readNamespacedSecret({ name: 'nope', namespace }));
    expect(code).toBe(404);
    expect(status).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'NotFound',
      message: 'secrets "nope" not found',
      details: { name: 'nope', kind: 'secrets' },
    });
  });

  it('answers 409 AlreadyExists on a duplicate create', async () => {
    await core.createNamespacedServiceAccount({ namespace, body: { metadata: { name: 'dup' } } });
    const { code, status } = await failure(
      core.createNamespacedServiceAccount({ namespace, body: { metadata: { name: 'dup' } } }),
    );
    expect(code).toBe(409);
    expect(status).toMatchObject({
      reason: 'AlreadyExists',
      message: 'serviceaccounts "dup" already exists',
    });
  });

  it('answers 409 Conflict on an update with a stale resourceVersion', async () => {
    const first = await core.createNamespacedConfigMap({
      namespace,
      body: { metadata: { name: 'stale' }, data: { v: '1' } },
    });
    await core.replaceNamespacedConfigMap({
      name: 'stale',
      namespace,
      body: { ...first, data: { v: '2' } },
    });
    const { code, status } = await failure(
      core.replaceNamespacedConfigMap({
        name: 'stale',
        namespace,
        body: { ...first, data: { v: '3' } },
      }),
    );
    expect(code).toBe(409);
    expect(status.reason).toBe('Conflict');
    expect(status.message).toContain(
      'the object has been modified; please apply your changes to the latest version and try again',
    );
  });

  it('rejects an invalid name with a 422 naming metadata.name', async () => {
    const { code, status } = await failure(
      core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'Not_Valid' } } }),
    );
    expect(code).toBe(422);
    expect(status.reason).toBe('Invalid');
    expect(status.details?.causes?.map((c) => c.field)).toEqual(['metadata.name']);
  });

  it('refuses objects in a namespace that does not exist', async () => {
    const { code, status } = await failure(
      core.createNamespacedConfigMap({
        namespace: 'no-such-namespace',
        body: { metadata: { name: 'x' } },
      }),
    );
    expect(code).toBe(404);
    expect(status.message).toBe('namespaces "no-such-namespace" not found');
  });

  it('deletes a collection by label', async () => {
    for (const name of ['c1', 'c2', 'c3'])
      await core.createNamespacedConfigMap({
        namespace,
        body: { metadata: { name, labels: { batch: name === 'c3' ? 'keep' : 'drop' } } },
      });
    await core.deleteCollectionNamespacedConfigMap({ namespace, labelSelector: 'batch=drop' });
    const left = await core.listNamespacedConfigMap({ namespace, labelSelector: 'batch' });
    expect(left.items.map((i) => i.metadata?.name)).toEqual(['c3']);
  });

  it('pages long lists with limit and continue', async () => {
    for (let i = 0; i < 5; i++)
      await core.createNamespacedConfigMap({
        namespace,
        body: { metadata: { name: `page-${i}`, labels: { paged: 'yes' } } },
      });
    const first = await core.listNamespacedConfigMap({
      namespace,
      labelSelector: 'paged',
      limit: 2,
    });
    expect(first.items).toHaveLength(2);
    // Counted only without a selector, as etcd counts the remaining keys.
    expect(first.metadata?.remainingItemCount).toBeUndefined();
    const unfiltered = await core.listNamespacedConfigMap({ namespace, limit: 1 });
    expect(unfiltered.metadata?.remainingItemCount).toBeGreaterThanOrEqual(5);
    const rest = await core.listNamespacedConfigMap({
      namespace,
      labelSelector: 'paged',
      limit: 10,
      _continue: first.metadata?._continue,
    });
    expect([...first.items, ...rest.items].map((i) => i.metadata?.name)).toEqual([
      'page-0',
      'page-1',
      'page-2',
      'page-3',
      'page-4',
    ]);
  });
});

describe('deliberate differences from a real server', () => {
  // The dev kubelet runs pods as local processes on 127.0.0.1 (so `npm start` needs no root or
  // network namespace), and their Services' EndpointSlices and Endpoints carry those loopback
  // addresses. A real server refuses loopback addresses there; the devcluster accepts them.
  it('accepts loopback addresses in EndpointSlices and Endpoints (a real server refuses them)', async () => {
    // Each call starts when awaited: a rejection nobody awaits yet fails the test as unhandled.
    const slice = () =>
      cluster.kc.makeApiClient(DiscoveryV1Api).createNamespacedEndpointSlice({
        namespace,
        body: {
          metadata: { name: 'loopback' },
          addressType: 'IPv4',
          endpoints: [{ addresses: ['127.0.0.1'] }],
          ports: [{ name: 'http', port: 80, protocol: 'TCP' }],
        },
      });
    const endpoints = () =>
      core.createNamespacedEndpoints({
        namespace,
        body: {
          metadata: { name: 'loopback' },
          subsets: [{ addresses: [{ ip: '127.0.0.1' }], ports: [{ port: 80 }] }],
        },
      });
    if (cluster.isDevCluster) {
      await slice();
      await endpoints();
      return;
    }
    const refused = [await failure(slice()), await failure(endpoints())];
    expect(refused.map((r) => r.code)).toEqual([422, 422]);
    expect(refused.map((r) => r.status.message)).toEqual([
      expect.stringContaining(
        'endpoints[0].addresses[0]: Invalid value: "127.0.0.1": may not be in the loopback range',
      ),
      expect.stringContaining(
        'subsets[0].addresses[0].ip: Invalid value: "127.0.0.1": may not be in the loopback range',
      ),
    ]);
  });
});

describe('kinds with their own rules', () => {
  it('turns Secret stringData into base64 data', async () => {
    await core.createNamespacedSecret({
      namespace,
      body: {
        metadata: { name: 's' },
        stringData: { password: 'hunter2' },
        data: { user: Buffer.from('admin').toString('base64') },
      },
    });
    const secret = await core.readNamespacedSecret({ name: 's', namespace });
    expect(secret.type).toBe('Opaque');
    expect(secret.stringData).toBeUndefined();
    expect(Buffer.from(secret.data!.password, 'base64').toString()).toBe('hunter2');
    expect(Buffer.from(secret.data!.user, 'base64').toString()).toBe('admin');
  });

  it('defaults a Service and keeps its clusterIP', async () => {
    const service = await core.createNamespacedService({
      namespace,
      body: {
        metadata: { name: 'svc' },
        spec: { selector: { app: 'x' }, ports: [{ name: 'grpc', port: 9090 }] },
      },
    });
    expect(service.spec).toMatchObject({
      type: 'ClusterIP',
      ports: [{ name: 'grpc', port: 9090, protocol: 'TCP', targetPort: 9090 }],
    });
    expect(service.spec?.clusterIP).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    const { code } = await failure(
      core.createNamespacedService({
        namespace,
        body: { metadata: { name: 'svc2' }, spec: { selector: { app: 'x' } } },
      }),
    );
    expect(code).toBe(422);
  });

  it('rejects a Deployment whose selector does not match its template', async () => {
    const { code, status } = await failure(
      apps.createNamespacedDeployment({
        namespace,
        body: {
          metadata: { name: 'bad' },
          spec: {
            selector: { matchLabels: { app: 'a' } },
            template: {
              metadata: { labels: { app: 'b' } },
              spec: { containers: [{ name: 'c', image: 'i:1' }] },
            },
          },
        },
      }),
    );
    expect(code).toBe(422);
    expect(status.message).toContain('spec.template.metadata.labels');
  });

  it('stores Leases with their holder', async () => {
    const coordination = cluster.kc.makeApiClient(CoordinationV1Api);
    await coordination.createNamespacedLease({
      namespace,
      body: {
        metadata: { name: 'leader' },
        spec: { holderIdentity: 'a', leaseDurationSeconds: 15 },
      },
    });
    const lease = await coordination.readNamespacedLease({ name: 'leader', namespace });
    expect(lease.spec?.holderIdentity).toBe('a');
  });

  it('gives every new namespace a default ServiceAccount', async () => {
    const name = await cluster.newNamespace('sa');
    await eventually('the default ServiceAccount', async () => {
      const list = await core.listNamespacedServiceAccount({ namespace: name });
      return list.items.some((sa) => sa.metadata?.name === 'default');
    });
  });
});

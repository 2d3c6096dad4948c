// Deletion semantics: finalizers and deletionTimestamp, ownerReference garbage collection
// (background, foreground, orphan), and namespace termination.
import {
  CoreV1Api,
  PatchStrategy,
  setHeaderOptions,
  type V1ConfigMap,
} from '@kubernetes/client-node';
import { eventually } from '@virtrigaud/testing';
import { clusterUnderTest, failure, type ClusterUnderTest } from '../testing/cluster-under-test';

let cluster: ClusterUnderTest;
let core: CoreV1Api;
let namespace: string;
const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

beforeAll(async () => {
  cluster = await clusterUnderTest();
  core = cluster.kc.makeApiClient(CoreV1Api);
  namespace = await cluster.newNamespace('lifecycle');
});
afterAll(() => cluster?.stop());

const gone = (name: string, ns = namespace) =>
  eventually(
    `${name} to be deleted`,
    async () =>
      (await failure(core.readNamespacedConfigMap({ name, namespace: ns }))).code === 404
        ? true
        : undefined,
    { timeoutMs: 10_000 },
  );

async function owner(name: string): Promise<V1ConfigMap> {
  return core.createNamespacedConfigMap({ namespace, body: { metadata: { name } } });
}

function dependent(name: string, ...owners: V1ConfigMap[]) {
  return core.createNamespacedConfigMap({
    namespace,
    body: {
      metadata: {
        name,
        ownerReferences: owners.map((o) => ({
          apiVersion: 'v1',
          kind: 'ConfigMap',
          name: o.metadata!.name!,
          uid: o.metadata!.uid!,
          blockOwnerDeletion: true,
        })),
      },
    },
  });
}

describe('finalizers', () => {
  it('keeps an object with finalizers, marked with deletionTimestamp, until they are removed', async () => {
    await core.createNamespacedConfigMap({
      namespace,
      body: { metadata: { name: 'held', finalizers: ['example.com/cleanup'] } },
    });
    await core.deleteNamespacedConfigMap({ name: 'held', namespace });
    const terminating = await core.readNamespacedConfigMap({ name: 'held', namespace });
    expect(terminating.metadata?.deletionTimestamp).toBeInstanceOf(Date);
    const added = await failure(
      core.patchNamespacedConfigMap(
        {
          name: 'held',
          namespace,
          body: { metadata: { finalizers: ['example.com/cleanup', 'example.com/more'] } },
        },
        mergePatch,
      ),
    );
    expect(added.code).toBe(422);
    await core.patchNamespacedConfigMap(
      { name: 'held', namespace, body: { metadata: { finalizers: null } } },
      mergePatch,
    );
    await gone('held');
  });
});

describe('garbage collection', () => {
  it('deletes dependents in the background once their only owner is gone', async () => {
    const parent = await owner('bg-owner');
    await dependent('bg-child', parent);
    await core.deleteNamespacedConfigMap({ name: 'bg-owner', namespace });
    await gone('bg-child');
  });

  it('keeps a dependent that has another live owner, dropping the dead reference', async () => {
    const [a, b] = [await owner('two-a'), await owner('two-b')];
    await dependent('two-child', a, b);
    await core.deleteNamespacedConfigMap({ name: 'two-a', namespace });
    const child = await eventually('two-child to lose the deleted owner', async () => {
      const read = await core.readNamespacedConfigMap({ name: 'two-child', namespace });
      return read.metadata?.ownerReferences?.length === 1 ? read : undefined;
    });
    expect(child.metadata?.ownerReferences?.[0].uid).toBe(b.metadata?.uid);
  });

  it('holds a foreground-deleted owner until its dependents are gone', async () => {
    const parent = await owner('fg-owner');
    await core.createNamespacedConfigMap({
      namespace,
      body: {
        metadata: {
          name: 'fg-child',
          finalizers: ['example.com/slow'],
          ownerReferences: [
            {
              apiVersion: 'v1',
              kind: 'ConfigMap',
              name: 'fg-owner',
              uid: parent.metadata!.uid!,
              blockOwnerDeletion: true,
            },
          ],
        },
      },
    });
    await core.deleteNamespacedConfigMap({
      name: 'fg-owner',
      namespace,
      propagationPolicy: 'Foreground',
    });
    const waiting = await core.readNamespacedConfigMap({ name: 'fg-owner', namespace });
    expect(waiting.metadata?.finalizers).toContain('foregroundDeletion');
    await eventually('fg-child to be marked for deletion', async () =>
      (await core.readNamespacedConfigMap({ name: 'fg-child', namespace })).metadata
        ?.deletionTimestamp
        ? true
        : undefined,
    );
    expect(
      (await core.readNamespacedConfigMap({ name: 'fg-owner', namespace })).metadata
        ?.deletionTimestamp,
    ).toBeDefined();
    await core.patchNamespacedConfigMap(
      { name: 'fg-child', namespace, body: { metadata: { finalizers: null } } },
      mergePatch,
    );
    await gone('fg-child');
    await gone('fg-owner');
  });

  it('orphans dependents with propagationPolicy=Orphan', async () => {
    const parent = await owner('orphan-owner');
    await dependent('orphan-child', parent);
    await core.deleteNamespacedConfigMap({
      name: 'orphan-owner',
      namespace,
      propagationPolicy: 'Orphan',
    });
    await gone('orphan-owner');
    const child = await core.readNamespacedConfigMap({ name: 'orphan-child', namespace });
    expect(child.metadata?.ownerReferences ?? []).toEqual([]);
  });
});

describe('namespaces', () => {
  it('terminates a namespace: contents deleted, then the namespace itself', async () => {
    const name = await cluster.newNamespace('doomed');
    await core.createNamespacedConfigMap({
      namespace: name,
      body: { metadata: { name: 'content' } },
    });
    await core.deleteNamespace({ name });
    const refused = await failure(
      core.createNamespacedConfigMap({ namespace: name, body: { metadata: { name: 'late' } } }),
    );
    expect([403, 404]).toContain(refused.code);
    await gone('content', name);
    await eventually(
      'the namespace to go',
      async () => ((await failure(core.readNamespace({ name }))).code === 404 ? true : undefined),
      { timeoutMs: 20_000 },
    );
    // A real server's namespace controller takes ~5 s, more than jest's default 5 s timeout.
  }, 30_000);
});

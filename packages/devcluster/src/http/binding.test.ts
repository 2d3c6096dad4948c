// pods/binding, as a scheduler (or a node agent standing in for one) uses it: a pod is assigned to
// a node once; binding it again, or with another pod's uid, is a conflict.
import { CoreV1Api, type V1Binding } from '@kubernetes/client-node';
import { clusterUnderTest, failure, type ClusterUnderTest } from '../testing/cluster-under-test';

let cluster: ClusterUnderTest;
let core: CoreV1Api;
let namespace: string;

beforeAll(async () => {
  cluster = await clusterUnderTest();
  core = cluster.kc.makeApiClient(CoreV1Api);
  namespace = await cluster.newNamespace('binding');
});
afterAll(() => cluster?.stop());

const binding = (name: string, node: string, uid?: string): V1Binding => ({
  metadata: { name, uid },
  target: { apiVersion: 'v1', kind: 'Node', name: node },
});

it('assigns a pending pod to a node once', async () => {
  const pod = await core.createNamespacedPod({
    namespace,
    body: {
      metadata: { name: 'bound' },
      spec: { containers: [{ name: 'c', image: 'example.com/c:v1' }] },
    },
  });
  try {
    const wrongUid = await failure(
      core.createNamespacedPodBinding({
        name: 'bound',
        namespace,
        body: binding('bound', 'node-a', '00000000-0000-0000-0000-000000000000'),
      }),
    );
    expect(wrongUid.code).toBe(409);
    await core.createNamespacedPodBinding({
      name: 'bound',
      namespace,
      body: binding('bound', 'node-a', pod.metadata?.uid),
    });
    expect((await core.readNamespacedPod({ name: 'bound', namespace })).spec?.nodeName).toBe(
      'node-a',
    );
    const again = await failure(
      core.createNamespacedPodBinding({
        name: 'bound',
        namespace,
        body: binding('bound', 'node-b'),
      }),
    );
    expect(again.code).toBe(409);
    expect(again.status.message).toContain('is already assigned to node "node-a"');
  } finally {
    // No kubelet runs node-a: without a zero grace period the pod would wait for it forever.
    await core.deleteNamespacedPod({ name: 'bound', namespace, gracePeriodSeconds: 0 });
  }
});

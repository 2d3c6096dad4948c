// --data-dir: a restarted devcluster keeps its objects, CRDs and resource versions.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  CoreV1Api,
  CustomObjectsApi,
  ApiextensionsV1Api,
  KubeConfig,
} from '@kubernetes/client-node';
import { startDevCluster } from '../cluster';
import { typed, widgetCrd } from '../testing/fixtures';

it('keeps objects across a restart with the same data directory', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'devcluster-data-'));
  const client = (kubeconfigPath: string) => {
    const kc = new KubeConfig();
    kc.loadFromFile(kubeconfigPath);
    return kc;
  };
  try {
    const first = await startDevCluster({ dataDir });
    const kc = client(first.kubeconfigPath);
    const created = await kc.makeApiClient(CoreV1Api).createNamespacedSecret({
      namespace: 'default',
      body: { metadata: { name: 'kept' }, stringData: { a: 'b' } },
    });
    await kc
      .makeApiClient(ApiextensionsV1Api)
      .createCustomResourceDefinition({ body: typed(widgetCrd('test.virtrigaud.io')) });
    await kc.makeApiClient(CustomObjectsApi).createNamespacedCustomObject({
      group: 'test.virtrigaud.io',
      version: 'v1',
      plural: 'widgets',
      namespace: 'default',
      body: {
        apiVersion: 'test.virtrigaud.io/v1',
        kind: 'Widget',
        metadata: { name: 'w' },
        spec: { size: 1 },
      },
    });
    await first.stop();

    const second = await startDevCluster({ dataDir });
    try {
      const kc2 = client(second.kubeconfigPath);
      const secret = await kc2
        .makeApiClient(CoreV1Api)
        .readNamespacedSecret({ name: 'kept', namespace: 'default' });
      expect(secret.metadata?.uid).toBe(created.metadata?.uid);
      expect(Buffer.from(secret.data!.a, 'base64').toString()).toBe('b');
      const widget = (await kc2.makeApiClient(CustomObjectsApi).getNamespacedCustomObject({
        group: 'test.virtrigaud.io',
        version: 'v1',
        plural: 'widgets',
        namespace: 'default',
        name: 'w',
      })) as { spec: { max: number } };
      expect(widget.spec.max).toBe(10);
      const list = await kc2
        .makeApiClient(CoreV1Api)
        .listNamespacedSecret({ namespace: 'default' });
      expect(Number(list.metadata?.resourceVersion)).toBeGreaterThan(
        Number(created.metadata?.resourceVersion),
      );
    } finally {
      await second.stop();
    }
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

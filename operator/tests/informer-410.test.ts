// The informer against the devcluster's real watch protocol: a watch that was cut long enough
// for its resourceVersion to be compacted away gets 410 Gone; the informer relists and reports
// every change made meanwhile (including a delete) — nothing missed.
import { Informer, KubeClient, type KubeObject, KubeResources } from '@virtrigaud/kube';
import { KubeConfig } from '@kubernetes/client-node';
import { eventually } from '@virtrigaud/testing';
import pino from 'pino';
import { startTestCluster, type TestCluster } from './support/cluster';
import { TcpProxy } from './support/tcp-proxy';

let cluster: TestCluster;
let proxy: TcpProxy;
let informer: Informer<KubeObject & { data?: Record<string, string> }>;

beforeAll(async () => {
  cluster = await startTestCluster({ watchHistorySize: 5, bookmarkIntervalMs: 200 });
  const url = new URL(cluster.url);
  proxy = new TcpProxy({ host: url.hostname, port: Number(url.port) });
  const port = await proxy.start();
  const config = new KubeConfig();
  config.loadFromOptions({
    clusters: [{ name: 'proxied', server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
    users: [{ name: 'u' }],
    contexts: [{ name: 'c', cluster: 'proxied', user: 'u' }],
    currentContext: 'c',
  });
  informer = new Informer(new KubeClient(config), KubeResources.ConfigMap, {
    namespace: 'default',
    log: pino({ level: 'silent' }),
    onRelist: (reason) => relists.push(reason),
  });
});

afterAll(async () => {
  informer?.stop();
  await proxy?.stop();
  await cluster?.stop();
});

const relists: string[] = [];

function configMap(name: string, value: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: 'default' },
    data: { value },
  } as KubeObject;
}

it('relists after 410 Gone and delivers the changes made while the watch was down', async () => {
  const { client } = cluster;
  await client.create(KubeResources.ConfigMap, configMap('keep', '1'));
  await client.create(KubeResources.ConfigMap, configMap('doomed', '1'));
  const events: string[] = [];
  informer.on((type, obj) => events.push(`${type}:${obj.metadata.name}`));
  await informer.start();
  expect(informer.get('default', 'doomed')).toBeDefined();

  proxy.cut();
  await client.delete(KubeResources.ConfigMap, 'default', 'doomed');
  await client.patch(KubeResources.ConfigMap, 'default', 'keep', { data: { value: '2' } });
  // More changes than the server keeps history for: the informer's version is compacted away.
  for (let i = 0; i < 10; i++)
    await client.create(KubeResources.ConfigMap, configMap(`new-${i}`, 'x'));
  proxy.restore();

  await eventually('the informer to catch up', () => informer.get('default', 'new-9'));
  expect(relists).toContain('410 Gone');
  expect(informer.get('default', 'doomed')).toBeUndefined();
  expect(events).toContain('delete:doomed');
  expect(informer.get('default', 'keep')?.data).toEqual({ value: '2' });
  expect(
    informer
      .list('default')
      .map((c) => c.metadata.name)
      .sort(),
  ).toEqual(['keep', ...Array.from({ length: 10 }, (_, i) => `new-${i}`)].sort());

  // And it keeps watching afterwards.
  await client.create(KubeResources.ConfigMap, configMap('after', 'y'));
  await eventually('a change after the relist', () => informer.get('default', 'after'));
});

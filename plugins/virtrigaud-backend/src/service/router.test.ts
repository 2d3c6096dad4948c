// Every route of the REST API, through the real Backstage test backend against a devcluster:
// results from the informer cache, 400s naming the field, 403s from the permission framework,
// conditional (owner-scoped) reads, writes that reach the cluster, metrics scraped from a real
// provider runtime, and the live event stream.
import { Resources } from '@virtrigaud/api';
import { KubeResources, type KubeObject } from '@virtrigaud/kube';
import { mockBackendFactory } from '@virtrigaud/provider-mock';
import {
  createProviderClient,
  startProviderServer,
  type RunningProvider,
} from '@virtrigaud/provider-sdk';
import {
  VirtrigaudApiError,
  virtrigaudVmReadPermission,
  type LiveEvent,
  type VirtrigaudClient,
} from '@virtrigaud/plugin-virtrigaud-common';
import { REBOOT_REQUESTED_ANNOTATION, type VirtualMachine } from '@virtrigaud/api';
import { Writable } from 'node:stream';
import { eventually } from '@virtrigaud/testing';
import virtrigaudPlugin, { createVmConditionalDecision, vmConditions } from '../index';
import {
  createCatalogue,
  startTestCluster,
  vmManifest,
  type TestCluster,
} from '../testing/test-cluster';
import { allowAll, startVirtrigaudBackend, type StartedBackend } from '../testing/test-backend';

jest.setTimeout(60_000);

let cluster: TestCluster;
let backend: StartedBackend;
let provider: RunningProvider;
let ns: string;
const policy = allowAll();
let alice: VirtrigaudClient;
const ref = (name: string) => ({ cluster: 'local', namespace: ns, name });

async function failure(call: Promise<unknown>): Promise<VirtrigaudApiError> {
  try {
    await call;
  } catch (err) {
    if (err instanceof VirtrigaudApiError) return err;
    throw err;
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  cluster = await startTestCluster();
  ns = await cluster.newNamespace('routes');
  await createCatalogue(cluster.client, ns);
  await cluster.client.create(
    Resources.VirtualMachine,
    vmManifest(ns, 'web-1', { owner: 'user:default/alice' }),
  );
  await cluster.client.create(
    Resources.VirtualMachine,
    vmManifest(ns, 'db-1', { owner: 'user:default/bob' }),
  );
  // The real provider runtime with the mock hypervisor; its metrics port is published on the
  // provider Service the way the devcluster's kubelet does.
  provider = await startProviderServer({
    type: 'mock',
    createBackend: mockBackendFactory(),
    endpoint: 'mock://lab',
    logDestination: new Writable({ write: (_chunk, _encoding, done) => done() }),
  });
  await cluster.client.create(KubeResources.Service, {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: 'virtrigaud-provider-lab',
      namespace: ns,
      labels: {
        'app.kubernetes.io/name': 'virtrigaud-provider',
        'app.kubernetes.io/instance': 'lab',
      },
      annotations: {
        'devcluster.virtrigaud.io/addresses': JSON.stringify({
          metrics: `127.0.0.1:${provider.metricsPort}`,
        }),
      },
    },
    spec: {
      ports: [
        { name: 'grpc', port: 9090 },
        { name: 'metrics', port: 8080 },
      ],
    },
  } as KubeObject);
  backend = await startVirtrigaudBackend({
    kubeconfigPath: cluster.kubeconfigPath,
    policy,
    features: [virtrigaudPlugin],
  });
  alice = backend.clientAs('user:default/alice');
});

afterAll(async () => {
  await backend?.stop();
  await provider?.stop();
  await cluster?.stop();
});

afterEach(() => {
  policy.denied.clear();
  policy.conditional.clear();
});

describe('reads from the cache', () => {
  it('lists VMs with their summary, filters, sorts and pages them', async () => {
    const page = await alice.listVms({ namespace: ns });
    expect(page.totalCount).toBe(2);
    expect(page.items.map((vm) => vm.name)).toEqual(['db-1', 'web-1']);
    expect(page.items[1]).toMatchObject({
      cluster: 'local',
      provider: 'lab',
      className: 'small',
      imageName: 'ubuntu',
      owner: 'user:default/alice',
      desiredPowerState: 'On',
      health: { level: 'progressing', reason: 'Waiting for the operator' },
    });
    const second = await alice.listVms({ namespace: ns, limit: 1, offset: 1, order: 'desc' });
    expect(second).toMatchObject({ totalCount: 2, offset: 1, limit: 1, items: [{ name: 'db-1' }] });
    expect(
      (await alice.listVms({ namespace: ns, search: 'WEB' })).items.map((v) => v.name),
    ).toEqual(['web-1']);
    expect(
      (await alice.listVms({ namespace: ns, owner: 'user:default/bob' })).items.map((v) => v.name),
    ).toEqual(['db-1']);
  });

  it('returns one VM with its spec, and 404 for an unknown one', async () => {
    const vm = await alice.getVm(ref('web-1'));
    expect(vm.spec).toMatchObject({ providerRef: { name: 'lab' }, classRef: { name: 'small' } });
    expect((await failure(alice.getVm(ref('nope')))).status).toBe(404);
  });

  it('returns the Kubernetes events of a VM, newest first', async () => {
    const event = (name: string, reason: string, at: string) =>
      ({
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name, namespace: ns },
        involvedObject: {
          kind: 'VirtualMachine',
          name: 'web-1',
          namespace: ns,
          apiVersion: 'infra.virtrigaud.io/v1beta1',
        },
        reason,
        message: `${reason} happened`,
        type: 'Normal',
        count: 1,
        lastTimestamp: at,
      }) as unknown as KubeObject;
    await cluster.client.create(
      KubeResources.Event,
      event('web-1.a', 'Created', '2026-01-01T00:00:00Z'),
    );
    await cluster.client.create(
      KubeResources.Event,
      event('web-1.b', 'PoweredOn', '2026-01-01T00:01:00Z'),
    );
    const { items } = await alice.getVmEvents(ref('web-1'));
    expect(items.map((e) => e.reason)).toEqual(['PoweredOn', 'Created']);
  });

  it('lists providers with replicas, VM count and metrics scraped from the provider', async () => {
    await backend.inventory.scrapeMetrics();
    const client = createProviderClient(provider.address);
    await client.getCapabilities({});
    // Powering a VM the hypervisor does not have fails with NOT_FOUND: one error in two calls.
    await client.power({ id: 'does-not-exist', op: 1 } as never).catch(() => undefined);
    client.close();
    await backend.inventory.scrapeMetrics();
    const lab = await alice.getProvider(ref('lab'));
    expect(lab).toMatchObject({ type: 'mock', vmCount: 2, owner: 'group:default/platform' });
    expect(lab.metrics.error).toBeUndefined();
    expect(lab.metrics.latest!.requestRate).toBeGreaterThan(0);
    expect(lab.metrics.latest!.errorRate).toBeCloseTo(0.5, 5);
    expect(lab.podLabelSelector).toBe(
      'app.kubernetes.io/name=virtrigaud-provider,app.kubernetes.io/instance=lab',
    );
    expect((await alice.listProviders({ namespace: ns })).items.map((p) => p.name)).toEqual([
      'lab',
    ]);
  });

  it('feeds the pickers, narrowing images to the provider type', async () => {
    expect((await alice.listClasses({ namespace: ns })).items).toEqual([
      expect.objectContaining({ name: 'small', cpu: 2, memory: '4Gi' }),
    ]);
    const images = await alice.listImages({ namespace: ns, provider: 'lab' });
    expect(images.items.map((i) => i.name)).toEqual(['ubuntu']);
    expect(
      (await alice.listNetworks({ namespace: ns, provider: 'lab' })).items.map((n) => n.name),
    ).toEqual(['lan']);
    const unknown = await failure(alice.listImages({ namespace: ns, provider: 'ghost' }));
    expect(unknown).toMatchObject({ status: 400, field: 'query.provider' });
  });
});

describe('bad input gets a 400 naming the field', () => {
  it.each([
    ['query.limit', { limit: 0 }],
    ['query.limit', { limit: 501 }],
    ['query.sort', { sort: 'colour' as never }],
    ['query.phase', { phase: 'Sleeping' as never }],
    ['query.cluster', { cluster: 'elsewhere' }],
    ['query.colour', { colour: 'blue' } as never],
  ])('%s', async (field, query) => {
    expect(await failure(alice.listVms(query))).toMatchObject({ status: 400, field });
  });

  it('names bad path segments and bodies', async () => {
    expect(await failure(alice.getVm({ ...ref('web-1'), name: 'Not_A_Name' }))).toMatchObject({
      status: 400,
      field: 'path.name',
    });
    expect(await failure(alice.powerVm(ref('web-1'), 'explode' as never))).toMatchObject({
      status: 400,
      field: 'body.action',
    });
  });
});

describe('permissions', () => {
  it.each([
    ['virtrigaud.vm.read', (c: VirtrigaudClient) => c.listVms()],
    ['virtrigaud.vm.read', (c: VirtrigaudClient) => c.getVm(ref('web-1'))],
    ['virtrigaud.vm.power', (c: VirtrigaudClient) => c.powerVm(ref('web-1'), 'off')],
    ['virtrigaud.vm.delete', (c: VirtrigaudClient) => c.deleteVm(ref('web-1'))],
    ['virtrigaud.provider.read', (c: VirtrigaudClient) => c.listProviders()],
    ['virtrigaud.provider.read', (c: VirtrigaudClient) => c.getProvider(ref('lab'))],
    ['virtrigaud.vm.create', (c: VirtrigaudClient) => c.listClasses()],
    ['virtrigaud.vm.create', (c: VirtrigaudClient) => c.listImages()],
    ['virtrigaud.vm.create', (c: VirtrigaudClient) => c.listNetworks()],
  ])('denying %s answers 403', async (permission, call) => {
    policy.denied.add(permission);
    expect((await failure(call(alice))).status).toBe(403);
  });

  it('a denied power action leaves the VM untouched', async () => {
    policy.denied.add('virtrigaud.vm.power');
    await failure(alice.powerVm(ref('web-1'), 'off'));
    expect((await failure(alice.powerVm(ref('web-1'), 'reboot'))).status).toBe(403);
    const vm = await cluster.client.get<VirtualMachine>(Resources.VirtualMachine, ns, 'web-1');
    expect(vm!.spec.powerState ?? 'On').toBe('On');
    expect(vm!.metadata.annotations?.[REBOOT_REQUESTED_ANNOTATION]).toBeUndefined();
  });

  it('applies conditional decisions: an owner-scoped policy shows only own VMs', async () => {
    const ownOnly = createVmConditionalDecision(
      virtrigaudVmReadPermission,
      vmConditions.isOwner({ claims: ['user:default/alice'] }),
    );
    policy.conditional.set('virtrigaud.vm.read', ownOnly);
    policy.conditional.set('virtrigaud.vm.delete', ownOnly);
    expect((await alice.listVms({ namespace: ns })).items.map((vm) => vm.name)).toEqual(['web-1']);
    expect((await failure(alice.getVm(ref('db-1')))).status).toBe(404);
    policy.conditional.delete('virtrigaud.vm.read');
    expect((await failure(alice.deleteVm(ref('db-1')))).status).toBe(403);
  });
});

describe('actions write the object; the operator does the work', () => {
  it('power sets spec.powerState and the cache follows', async () => {
    const result = await alice.powerVm(ref('web-1'), 'shutdown');
    expect(result.desiredPowerState).toBe('OffGraceful');
    const stored = await cluster.client.get<VirtualMachine>(Resources.VirtualMachine, ns, 'web-1');
    expect(stored!.spec.powerState).toBe('OffGraceful');
    await eventually(
      'cache update',
      async () => (await alice.getVm(ref('web-1'))).desiredPowerState === 'OffGraceful',
    );
    await alice.powerVm(ref('web-1'), 'on');
  });

  it('reboot stamps the reboot request annotation and leaves spec.powerState alone', async () => {
    const before = Date.now();
    const result = await alice.powerVm(ref('web-1'), 'reboot');
    // No operator runs here, so the request stays pending and the VM shows as rebooting.
    expect(result).toMatchObject({ desiredPowerState: 'On', rebooting: true });
    const stored = await cluster.client.get<VirtualMachine>(Resources.VirtualMachine, ns, 'web-1');
    const requested = stored!.metadata.annotations![REBOOT_REQUESTED_ANNOTATION];
    // RFC 3339, UTC, the time of the request: a new value for every request.
    expect(requested).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(Date.parse(requested)).toBeGreaterThanOrEqual(before - 1);
    expect(Date.parse(requested)).toBeLessThanOrEqual(Date.now());
    expect(stored!.spec.powerState ?? 'On').toBe('On');
  });

  it('streams live changes as server-sent events', async () => {
    const abort = new AbortController();
    const events: LiveEvent[] = [];
    const stream = alice.streamEvents({ namespace: ns }, (e) => events.push(e), abort.signal);
    // The stream is open once the server answered; changes after that arrive as events.
    await eventually('stream open', async () => {
      await cluster.client.patch(Resources.VirtualMachine, ns, 'db-1', {
        metadata: { labels: { touched: String(Date.now()) } },
      });
      return events.some((e) => e.type === 'vm.upserted' && e.vm.name === 'db-1');
    });
    abort.abort();
    await stream;
  });

  it('delete removes the object and the VM disappears from the API', async () => {
    await cluster.client.create(Resources.VirtualMachine, vmManifest(ns, 'tmp-1'));
    await eventually('cache add', () => backend.inventory.vm(ref('tmp-1')));
    await alice.deleteVm(ref('tmp-1'));
    expect(await cluster.client.get(Resources.VirtualMachine, ns, 'tmp-1')).toBeUndefined();
    await eventually(
      'cache delete',
      async () => (await failure(alice.getVm(ref('tmp-1')))).status === 404,
    );
  });
});

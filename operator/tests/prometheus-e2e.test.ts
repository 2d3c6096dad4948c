// End to end with a real Prometheus (Debian's package): it scrapes the manager and the provider
// pod the dev kubelet runs, with the VirtRigaud alert rules loaded. The seed's provider metrics
// arrive with their labels, every dashboard panel's query returns series, and killing the
// provider makes VirtRigaudProviderDown fire.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  DASHBOARDS,
  JOB_MANAGER,
  JOB_PROVIDERS,
  PrometheusServer,
  concreteQuery,
  ensurePrometheus,
  panels,
} from '@virtrigaud/monitoring';
import { Resources } from '@virtrigaud/api';
import {
  DevclusterAnnotationResolver,
  type KubeObject,
  KubeResources,
  type ServiceLike,
} from '@virtrigaud/kube';
import type { Manager } from '../src/manager';
import { eventually } from '@virtrigaud/testing';
import { startTestCluster, type TestCluster } from './support/cluster';
import { startManager } from './support/manager';
import { providerPid } from './support/provider-probe';
import {
  NAMESPACE,
  applyCompleteExample,
  providerReady,
  virtualMachine,
} from './support/seed-example';

jest.setTimeout(120_000);

const PROVIDER = 'vsphere-datacenter';
const GENERATED = `virtrigaud-provider-${PROVIDER}`;
/** Short enough that the test sees alerts fire, long enough to prove `for:` is honoured. */
const ALERT_FOR = '3s';
/** A killed provider stays down (crash-loop back-off) long enough for the alert to fire. */
const RESTART_BACKOFF_MS = 600_000;

let available = false;
let podsDir: string;
let cluster: TestCluster | undefined;
let manager: Manager | undefined;
let prometheus: PrometheusServer | undefined;

beforeAll(async () => {
  available = await ensurePrometheus('prometheus-e2e.test.ts');
  if (!available) return;
  podsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'prometheus-e2e-pods-'));
  cluster = await startTestCluster({
    kubelet: {
      rootDir: podsDir,
      // Liveness waits up to 3 probe periods: under load a provider needs seconds to start,
      // and a start killed here would wait out the long back-off below.
      maxProbePeriodMs: 3000,
      restartBackoffMs: RESTART_BACKOFF_MS,
      maxRestartBackoffMs: RESTART_BACKOFF_MS,
    },
  });
  manager = await startManager(cluster);
  await applyCompleteExample(cluster.client);
  await eventually('the provider process', () => providerPid(cluster!, podsDir, PROVIDER), {
    timeoutMs: 60_000,
  });
  await providerReady(cluster.client, PROVIDER);
  const metricsAddress = await eventually('the provider metrics address', async () => {
    const service = await cluster!.client.get<ServiceLike>(
      KubeResources.Service,
      NAMESPACE,
      GENERATED,
    );
    return service && new DevclusterAnnotationResolver().resolve(service, 'metrics');
  });
  prometheus = await PrometheusServer.start(
    [
      {
        job: JOB_MANAGER,
        target: manager.metricsAddress!,
        labels: { namespace: 'virtrigaud-system', pod: 'virtrigaud-manager-0' },
      },
      {
        job: JOB_PROVIDERS,
        target: metricsAddress,
        labels: { namespace: NAMESPACE, provider: PROVIDER, pod: `${GENERATED}-0` },
      },
    ],
    ALERT_FOR,
  );
  // A VM, so that VM counts and create traffic exist.
  await cluster.client.create(Resources.VirtualMachine, virtualMachine('web-1'));
  await eventually('VM web-1 Running', async () => {
    const vm = await cluster!.client.get<KubeObject & { status?: { phase?: string } }>(
      Resources.VirtualMachine,
      NAMESPACE,
      'web-1',
    );
    return vm?.status?.phase === 'Running';
  });
});

afterAll(async () => {
  await prometheus?.stop();
  await manager?.stop();
  await cluster?.stop();
  if (podsDir) fs.rmSync(podsDir, { recursive: true, force: true });
});

/** Polls a query until it returns series that satisfy `check`. */
function seriesOf(
  expr: string,
  check: (values: Record<string, string>[]) => boolean = (v) => v.length > 0,
) {
  return eventually(
    `series of ${expr}`,
    async () => {
      const result = await prometheus!.query(expr);
      const labels = result.map((s): Record<string, string> => ({
        ...s.metric,
        value: s.value[1],
      }));
      return check(labels) ? labels : undefined;
    },
    { timeoutMs: 30_000, intervalMs: 250 },
  );
}

it('scrapes the manager and the provider', async () => {
  if (!available) return;
  const up = await seriesOf('up == 1', (s) => s.length === 2);
  expect(up.map((s) => s.job).sort()).toEqual([JOB_MANAGER, JOB_PROVIDERS]);
});

it("has the seed's provider metrics with their labels", async () => {
  if (!available) return;
  const provider = `job="${JOB_PROVIDERS}"`;
  const requests = await seriesOf(`provider_grpc_requests_total{${provider}}`, (s) =>
    s.some((x) => x.method === 'Create' && x.status === 'success'),
  );
  expect(requests.map((s) => s.method)).toEqual(expect.arrayContaining(['Validate', 'Create']));
  await seriesOf(`provider_grpc_request_duration_seconds_bucket{${provider}, method="Create"}`);
  await seriesOf(`provider_vms_total{${provider}, state="running"} == 1`);
  await seriesOf(`provider_health_status{${provider}, provider="${PROVIDER}"} == 1`);
  await seriesOf(
    `provider_hypervisor_connection_status{${provider}, endpoint="vcenter.example.com"} == 1`,
  );
});

it('every dashboard panel query returns series', async () => {
  if (!available) return;
  for (const dashboard of DASHBOARDS) {
    for (const panel of panels(dashboard)) {
      for (const query of panel.queries) {
        const expr = concreteQuery(query.expr);
        if (query.emptyWhileHealthy) {
          await expect(prometheus!.query(expr)).resolves.toBeDefined(); // evaluates without error
          continue;
        }
        const found = await seriesOf(expr, (s) => s.some((x) => x.value !== 'NaN'));
        expect(found.length).toBeGreaterThan(0);
      }
    }
  }
});

it('killing the provider fires VirtRigaudProviderDown, after its for: duration', async () => {
  if (!available) return;
  const firing = async () =>
    (await prometheus!.alerts()).find(
      (a) => a.labels.alertname === 'VirtRigaudProviderDown' && a.labels.provider === PROVIDER,
    );
  expect(await firing()).toBeUndefined();
  process.kill(await providerPid(cluster!, podsDir, PROVIDER), 'SIGKILL');
  const pending = await eventually('VirtRigaudProviderDown pending or firing', firing, {
    timeoutMs: 30_000,
    intervalMs: 100,
  });
  const fired = await eventually(
    'VirtRigaudProviderDown firing',
    async () => (await firing())?.state === 'firing' && (await firing()),
    { timeoutMs: 30_000, intervalMs: 100 },
  );
  expect(pending.state).toBe('pending'); // seen before it fires: `for:` holds it back first
  expect(fired!.labels).toMatchObject({
    severity: 'critical',
    namespace: NAMESPACE,
    pod: `${GENERATED}-0`,
  });
});

// PrometheusHistory against a real Prometheus (Debian's package) scraping a provider metrics
// endpoint whose counters grow on every scrape, labelled as the chart's PodMonitor labels them.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mockServices } from '@backstage/backend-test-utils';
import { eventually } from '@virtrigaud/testing';
import {
  JOB_PROVIDERS,
  PrometheusServer,
  ensurePrometheus,
  type ScrapeJob,
} from '@virtrigaud/monitoring';
import type { ClusterCache } from '../cache/cluster-cache';
import { PrometheusHistory } from './prometheus-history';

jest.setTimeout(120_000);

let available = false;
let provider: http.Server | undefined;
let prometheus: PrometheusServer | undefined;
let scrapes = 0;

/** 10 calls per scrape, 1 of them failed, all within 10 ms; 2 VMs running, 1 stopped. */
function metricsText(): string {
  scrapes++;
  const ok = scrapes * 9;
  const failed = scrapes;
  return [
    `provider_grpc_requests_total{method="Describe",status="success"} ${ok}`,
    `provider_grpc_requests_total{method="Describe",status="UNAVAILABLE"} ${failed}`,
    `provider_grpc_request_duration_seconds_bucket{method="Describe",le="0.01"} ${ok + failed}`,
    `provider_grpc_request_duration_seconds_bucket{method="Describe",le="+Inf"} ${ok + failed}`,
    `provider_grpc_request_duration_seconds_sum{method="Describe"} ${(ok + failed) * 0.004}`,
    `provider_grpc_request_duration_seconds_count{method="Describe"} ${ok + failed}`,
    'provider_vms_total{state="running"} 2',
    'provider_vms_total{state="stopped"} 1',
    '',
  ].join('\n');
}

beforeAll(async () => {
  available = await ensurePrometheus('prometheus-history.test.ts');
  if (!available) return;
  provider = http.createServer((_req, res) => res.end(metricsText()));
  await new Promise<void>((resolve) => provider!.listen(0, '127.0.0.1', resolve));
  const { port } = provider.address() as AddressInfo;
  const job: ScrapeJob = {
    job: JOB_PROVIDERS,
    target: `127.0.0.1:${port}`,
    labels: { namespace: 'default', provider: 'mock', pod: 'virtrigaud-provider-mock-0' },
  };
  prometheus = await PrometheusServer.start([job], '1m');
});

afterAll(async () => {
  await prometheus?.stop();
  provider?.close();
});

const oneProvider = [
  {
    name: 'local',
    providers: { list: () => [{ metadata: { namespace: 'default', name: 'mock' } }] },
  } as unknown as ClusterCache,
];

it('reads the last hour of a provider from Prometheus', async () => {
  if (!available) return;
  const updated: string[] = [];
  const history = new PrometheusHistory(
    () => oneProvider,
    {
      baseUrl: prometheus!.url,
      intervalMs: 1000,
      timeoutMs: 5000,
      rangeSeconds: 3600,
      stepSeconds: 1,
    },
    mockServices.logger.mock(),
    (cluster, namespace, name) => updated.push(`${cluster}/${namespace}/${name}`),
  );
  const metrics = await eventually(
    'two samples with requests',
    async () => {
      await history.scrapeAll();
      const found = history.metricsOf('local', 'default', 'mock');
      return found.history.filter((s) => s.requestRate > 0).length >= 2 && found;
    },
    { timeoutMs: 60_000, intervalMs: 250 },
  );
  expect(updated).toContain('local/default/mock');
  expect(metrics.source).toBe('prometheus');
  expect(metrics.error).toBeUndefined();
  const latest = metrics.history.filter((s) => s.requestRate > 0).at(-1)!;
  expect(latest.errorRate).toBeCloseTo(0.1);
  expect(latest.meanLatencySeconds).toBeCloseTo(0.004);
  expect(latest.p95LatencySeconds).toBeGreaterThan(0);
  expect(latest.p95LatencySeconds).toBeLessThanOrEqual(0.01);
  expect(latest.vmsByState).toEqual({ running: 2, stopped: 1 });
});

it('reports an unreachable Prometheus on the provider', async () => {
  const history = new PrometheusHistory(
    () => oneProvider,
    {
      baseUrl: 'http://127.0.0.1:1',
      intervalMs: 1000,
      timeoutMs: 2000,
      rangeSeconds: 3600,
      stepSeconds: 15,
    },
    mockServices.logger.mock(),
    () => undefined,
  );
  await history.scrapeAll();
  expect(history.metricsOf('local', 'default', 'mock').error).toMatch(/^Prometheus unreachable: /);
});

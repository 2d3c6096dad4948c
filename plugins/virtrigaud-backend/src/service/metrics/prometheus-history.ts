// The last hour of every provider's request rate, error ratio, latency and VMs by state, read
// from a Prometheus that scrapes the provider pods (virtrigaud.prometheus.baseUrl; the chart's
// PodMonitor or scrape jobs give the `provider` and `namespace` labels queried here). Refreshed
// in the background with range queries.
import type { LoggerService } from '@backstage/backend-plugin-api';
import { providerMatchers, providerQueries as q } from '@virtrigaud/monitoring';
import type { ProviderMetrics, ProviderMetricsSample } from '@virtrigaud/plugin-virtrigaud-common';
import type { ClusterCache } from '../cache/cluster-cache';
import { ProviderMetricsSource } from './metrics-source';

export interface PrometheusHistoryOptions {
  baseUrl: string;
  intervalMs: number;
  timeoutMs: number;
  /** How far back the history goes; an hour by default. */
  rangeSeconds: number;
  /** Seconds between points. */
  stepSeconds: number;
}

interface RangeSeries {
  metric: Record<string, string>;
  values: [number, string][];
}

/** The rate window: wide enough for a few scrapes at any usual scrape interval. */
const RATE_WINDOW = '2m';

export class PrometheusHistory extends ProviderMetricsSource<ProviderMetrics> {
  constructor(
    clusters: () => ClusterCache[],
    private readonly options: PrometheusHistoryOptions,
    private readonly logger: LoggerService,
    onUpdated: (cluster: string, namespace: string, name: string) => void,
  ) {
    super(clusters, options.intervalMs, onUpdated);
  }

  metricsOf(cluster: string, namespace: string, name: string): ProviderMetrics {
    return (
      this.states.get(`${cluster}/${namespace}/${name}`) ?? { history: [], source: 'prometheus' }
    );
  }

  protected async refresh(
    _cache: ClusterCache,
    namespace: string,
    name: string,
    key: string,
  ): Promise<void> {
    const m = providerMatchers({ namespace, provider: name });
    try {
      const [rate, errors, mean, p95, vms] = await Promise.all([
        this.range(q.requestRate(m, RATE_WINDOW)),
        this.range(q.errorRatio(m, RATE_WINDOW)),
        this.range(q.meanLatency(m, RATE_WINDOW)),
        this.range(q.latencyQuantile(m, RATE_WINDOW, 0.95)),
        this.range(q.vmsByState(m)),
      ]);
      const samples = new Map<number, ProviderMetricsSample>();
      const at = (t: number) => {
        let sample = samples.get(t);
        if (!sample) {
          sample = {
            at: new Date(t * 1000).toISOString(),
            requestRate: 0,
            errorRate: 0,
            windowSeconds: this.options.stepSeconds,
          };
          samples.set(t, sample);
        }
        return sample;
      };
      const each = (
        series: RangeSeries[],
        apply: (s: ProviderMetricsSample, v: number, labels: Record<string, string>) => void,
      ) => {
        for (const s of series)
          for (const [t, raw] of s.values) {
            const value = Number(raw);
            if (Number.isFinite(value)) apply(at(t), value, s.metric);
          }
      };
      each(rate, (s, v) => (s.requestRate = v));
      each(errors, (s, v) => (s.errorRate = v));
      each(mean, (s, v) => (s.meanLatencySeconds = v));
      each(p95, (s, v) => (s.p95LatencySeconds = v));
      each(vms, (s, v, labels) => {
        s.vmsByState = { ...s.vmsByState, [labels.state ?? 'unknown']: v };
      });
      const history = [...samples.keys()].sort((a, b) => a - b).map((t) => samples.get(t)!);
      this.states.set(key, { latest: history.at(-1), history, source: 'prometheus' });
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      this.logger.debug(`Prometheus query for provider ${key} failed: ${reason}`);
      this.states.set(key, {
        ...(this.states.get(key) ?? { history: [], source: 'prometheus' }),
        error: `Prometheus unreachable: ${reason}`,
      });
    }
  }

  private async range(query: string): Promise<RangeSeries[]> {
    const end = Math.floor(Date.now() / 1000);
    const url = new URL('api/v1/query_range', withTrailingSlash(this.options.baseUrl));
    url.search = new URLSearchParams({
      query,
      start: String(end - this.options.rangeSeconds),
      end: String(end),
      step: String(this.options.stepSeconds),
    }).toString();
    const response = await fetch(url, { signal: AbortSignal.timeout(this.options.timeoutMs) });
    const body = (await response.json()) as {
      status: string;
      error?: string;
      data?: { result: RangeSeries[] };
    };
    if (body.status !== 'success') throw new Error(body.error ?? `HTTP ${response.status}`);
    return body.data?.result ?? [];
  }
}

function withTrailingSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

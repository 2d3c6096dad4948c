// Scrapes every provider's metrics endpoint (port `metrics`, 8080, of Service
// virtrigaud-provider-<name>) on an interval and keeps the recent samples per provider in a ring
// buffer (the charts' history when no Prometheus is configured). Scrapes run in the background;
// API requests only read what is stored.
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { ProviderMetrics, ProviderMetricsSample } from '@virtrigaud/plugin-virtrigaud-common';
import { METRICS_PORT_NAME, generatedName } from '@virtrigaud/api';
import type { ClusterCache } from '../cache/cluster-cache';
import { ProviderMetricsSource } from './metrics-source';
import { RingBuffer } from './ring-buffer';
import { resolveServiceAddress } from './service-address';
import { sampleBetween, snapshotFromText, type CounterSnapshot } from './provider-metrics';

export interface ScraperOptions {
  intervalMs: number;
  historySize: number;
  timeoutMs: number;
  /** Read the history from this Prometheus instead of scraping the providers. */
  prometheusBaseUrl?: string;
}

interface ProviderState {
  previous?: CounterSnapshot;
  history: RingBuffer<ProviderMetricsSample>;
  metrics: ProviderMetrics;
}

export class MetricsScraper extends ProviderMetricsSource<ProviderState> {
  constructor(
    clusters: () => ClusterCache[],
    private readonly options: ScraperOptions,
    private readonly logger: LoggerService,
    onScraped: (cluster: string, namespace: string, name: string) => void,
  ) {
    super(clusters, options.intervalMs, onScraped);
  }

  metricsOf(cluster: string, namespace: string, name: string): ProviderMetrics {
    return (
      this.states.get(`${cluster}/${namespace}/${name}`)?.metrics ?? {
        history: [],
        source: 'scraper',
      }
    );
  }

  protected async refresh(cache: ClusterCache, namespace: string, name: string, key: string) {
    const state = this.states.get(key) ?? {
      history: new RingBuffer<ProviderMetricsSample>(this.options.historySize),
      metrics: { history: [], source: 'scraper' },
    };
    this.states.set(key, state);
    const service = cache.services.get(namespace, generatedName(name));
    const address = service && resolveServiceAddress(service, METRICS_PORT_NAME);
    if (!address) {
      state.metrics = {
        ...state.metrics,
        error: 'The provider Service has no reachable address yet',
      };
      return;
    }
    try {
      const response = await fetch(`http://${address}/metrics`, {
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const snapshot = snapshotFromText(await response.text(), Date.now());
      const sample = state.previous && sampleBetween(state.previous, snapshot);
      state.previous = snapshot;
      if (sample) state.history.push(sample);
      state.metrics = {
        latest: sample ?? state.metrics.latest,
        history: sample ? state.history.toArray() : state.metrics.history,
        source: 'scraper',
      };
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      this.logger.debug(`metrics scrape of provider ${key} failed: ${reason}`);
      state.metrics = { ...state.metrics, error: `Metrics endpoint unreachable: ${reason}` };
    }
  }
}

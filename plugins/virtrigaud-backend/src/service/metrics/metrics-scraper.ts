// Scrapes every provider's metrics endpoint (port `metrics`, 8080, of Service
// virtrigaud-provider-<name>) on an interval and keeps the recent samples per provider. Scrapes
// run in the background; API requests only read what is stored.
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { ProviderMetrics } from '@virtrigaud/plugin-virtrigaud-common';
import { METRICS_PORT_NAME, generatedName } from '@virtrigaud/api';
import type { ClusterCache } from '../cache/cluster-cache';
import { resolveServiceAddress } from './service-address';
import { sampleBetween, snapshotFromText, type CounterSnapshot } from './provider-metrics';

export interface ScraperOptions {
  intervalMs: number;
  historySize: number;
  timeoutMs: number;
}

interface ProviderState {
  previous?: CounterSnapshot;
  metrics: ProviderMetrics;
}

export class MetricsScraper {
  private readonly states = new Map<string, ProviderState>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly clusters: () => ClusterCache[],
    private readonly options: ScraperOptions,
    private readonly logger: LoggerService,
    private readonly onScraped: (cluster: string, namespace: string, name: string) => void,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.scrapeAll(), this.options.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  metricsOf(cluster: string, namespace: string, name: string): ProviderMetrics {
    return this.states.get(`${cluster}/${namespace}/${name}`)?.metrics ?? { history: [] };
  }

  /** One round over every known provider; concurrent calls share the round in flight. */
  scrapeAll(): Promise<void> {
    this.running ??= this.scrapeRound().finally(() => (this.running = undefined));
    return this.running;
  }

  private async scrapeRound(): Promise<void> {
    const seen = new Set<string>();
    const work: Promise<void>[] = [];
    for (const cache of this.clusters()) {
      for (const provider of cache.providers.list()) {
        const { namespace, name } = provider.metadata as { namespace: string; name: string };
        const key = `${cache.name}/${namespace}/${name}`;
        seen.add(key);
        work.push(
          this.scrapeOne(cache, namespace, name, key).then(() =>
            this.onScraped(cache.name, namespace, name),
          ),
        );
      }
    }
    for (const key of this.states.keys()) if (!seen.has(key)) this.states.delete(key);
    await Promise.all(work);
  }

  private async scrapeOne(cache: ClusterCache, namespace: string, name: string, key: string) {
    const state = this.states.get(key) ?? { metrics: { history: [] } };
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
      const history = sample
        ? [...state.metrics.history, sample].slice(-this.options.historySize)
        : state.metrics.history;
      state.metrics = { latest: sample ?? state.metrics.latest, history };
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      this.logger.debug(`metrics scrape of provider ${key} failed: ${reason}`);
      state.metrics = { ...state.metrics, error: `Metrics endpoint unreachable: ${reason}` };
    }
  }
}

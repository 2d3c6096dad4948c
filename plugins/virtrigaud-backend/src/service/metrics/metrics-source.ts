// Where the Provider page's metric history comes from: the backend's own scrapes of the provider
// pods (MetricsScraper) or a configured Prometheus (PrometheusHistory). Both refresh every known
// provider in the background, in rounds; API requests only read what they hold.
import type { ProviderMetrics } from '@virtrigaud/plugin-virtrigaud-common';
import type { ClusterCache } from '../cache/cluster-cache';

export abstract class ProviderMetricsSource<State> {
  /** Per provider, by `<cluster>/<namespace>/<name>`; providers that went away are dropped. */
  protected readonly states = new Map<string, State>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly clusters: () => ClusterCache[],
    private readonly intervalMs: number,
    private readonly onUpdated: (cluster: string, namespace: string, name: string) => void,
  ) {}

  abstract metricsOf(cluster: string, namespace: string, name: string): ProviderMetrics;

  /** Refreshes one provider's state. */
  protected abstract refresh(
    cache: ClusterCache,
    namespace: string,
    name: string,
    key: string,
  ): Promise<void>;

  start(): void {
    this.timer = setInterval(() => void this.scrapeAll(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** One round over every known provider; concurrent calls share the round in flight. */
  scrapeAll(): Promise<void> {
    this.running ??= this.round().finally(() => (this.running = undefined));
    return this.running;
  }

  private async round(): Promise<void> {
    const seen = new Set<string>();
    const work: Promise<void>[] = [];
    for (const cache of this.clusters()) {
      for (const provider of cache.providers.list()) {
        const { namespace, name } = provider.metadata as { namespace: string; name: string };
        const key = `${cache.name}/${namespace}/${name}`;
        seen.add(key);
        work.push(
          this.refresh(cache, namespace, name, key).then(() =>
            this.onUpdated(cache.name, namespace, name),
          ),
        );
      }
    }
    for (const key of this.states.keys()) if (!seen.has(key)) this.states.delete(key);
    await Promise.all(work);
  }
}

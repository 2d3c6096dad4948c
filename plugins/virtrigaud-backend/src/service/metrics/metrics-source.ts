// Where the Provider page's metric history comes from: the backend's own scrapes of the provider
// pods (MetricsScraper) or a configured Prometheus (PrometheusHistory). Both refresh in the
// background; API requests only read what they hold.
import type { ProviderMetrics } from '@virtrigaud/plugin-virtrigaud-common';

export interface ProviderMetricsSource {
  start(): void;
  stop(): void;
  metricsOf(cluster: string, namespace: string, name: string): ProviderMetrics;
  /** One refresh of every known provider; concurrent calls share the round in flight. */
  scrapeAll(): Promise<void>;
}

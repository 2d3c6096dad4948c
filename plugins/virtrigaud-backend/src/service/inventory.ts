// Everything the VirtRigaud plugins know about the clusters, kept current by the informer caches:
// VM summaries (maintained incrementally, so listing 10,000 VMs costs no per-VM conversion),
// provider summaries with scraped metrics, and a change feed for live status and the catalog.
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Provider, VirtualMachine } from '@virtrigaud/api';
import type {
  ObjectRef,
  ProviderSummary,
  VmSummary,
  VmTimelineEntry,
} from '@virtrigaud/plugin-virtrigaud-common';
import { ClusterCache, VMS_BY_PROVIDER } from './cache/cluster-cache';
import type { ClusterDefinition } from './clusters/config';
import { MetricsScraper, type ScraperOptions } from './metrics/metrics-scraper';
import type { ProviderMetricsSource } from './metrics/metrics-source';
import { PrometheusHistory } from './metrics/prometheus-history';
import { toProviderSummary, toVmSummary } from './summaries';
import { VmTimelines } from './vm-timelines';

export type InventoryChange =
  | { kind: 'VirtualMachine'; type: 'upsert' | 'delete'; cluster: string; object: VirtualMachine }
  | { kind: 'Provider'; type: 'upsert' | 'delete'; cluster: string; object: Provider };

export type InventoryListener = (change: InventoryChange) => void;

const MAX_START_BACKOFF_MS = 30_000;

export class Inventory {
  private readonly caches = new Map<string, ClusterCache>();
  private readonly vmSummaries = new Map<string, VmSummary>();
  private readonly timelines = new VmTimelines();
  private readonly listeners = new Set<InventoryListener>();
  private readonly metricsSource: ProviderMetricsSource<unknown>;
  private readonly started: Promise<void>[] = [];
  private stopped = false;

  constructor(
    clusters: ClusterDefinition[],
    private readonly logger: LoggerService,
    scraperOptions: ScraperOptions,
  ) {
    for (const cluster of clusters) {
      const cache = new ClusterCache(cluster.name, cluster.kubeConfig, logger);
      this.caches.set(cluster.name, cache);
      this.wire(cache);
    }
    const onUpdated = (cluster: string, namespace: string, name: string) =>
      this.providerChanged(cluster, namespace, name);
    const { prometheusBaseUrl } = scraperOptions;
    this.metricsSource = prometheusBaseUrl
      ? new PrometheusHistory(
          () => this.clusters(),
          {
            ...scraperOptions,
            baseUrl: prometheusBaseUrl,
            rangeSeconds: 3600,
            stepSeconds: scraperOptions.intervalMs / 1000,
          },
          logger,
          onUpdated,
        )
      : new MetricsScraper(() => this.clusters(), scraperOptions, logger, onUpdated);
  }

  /** Starts every cluster's informers (retrying unreachable clusters) and the metrics scraper. */
  start(): void {
    for (const cache of this.caches.values()) this.started.push(this.startWithRetry(cache));
    this.metricsSource.start();
  }

  stop(): void {
    this.stopped = true;
    this.metricsSource.stop();
    for (const cache of this.caches.values()) cache.stop();
  }

  /** Resolves when every cluster's cache is synced. */
  async ready(): Promise<void> {
    await Promise.all(this.started);
  }

  clusters(): ClusterCache[] {
    return [...this.caches.values()];
  }

  cluster(name: string): ClusterCache | undefined {
    return this.caches.get(name);
  }

  vms(): IterableIterator<VmSummary> {
    return this.vmSummaries.values();
  }

  vm(ref: ObjectRef): VmSummary | undefined {
    return this.vmSummaries.get(keyOf(ref));
  }

  /** The VM's phase and power state changes seen so far, oldest first. */
  vmTimeline(ref: ObjectRef): VmTimelineEntry[] {
    return this.timelines.of(keyOf(ref));
  }

  provider(ref: ObjectRef): ProviderSummary | undefined {
    const cache = this.caches.get(ref.cluster);
    const provider = cache?.providers.get(ref.namespace, ref.name);
    if (!cache || !provider) return undefined;
    return toProviderSummary({
      cluster: cache.name,
      provider,
      deployment: cache.deployments.get(ref.namespace, `virtrigaud-provider-${ref.name}`),
      metrics: this.metricsSource.metricsOf(cache.name, ref.namespace, ref.name),
      vmCount: cache.vms.byIndex(VMS_BY_PROVIDER, `${ref.namespace}/${ref.name}`).length,
    });
  }

  providers(): ProviderSummary[] {
    return this.clusters().flatMap((cache) =>
      cache.providers
        .list()
        .map((p) =>
          this.provider({
            cluster: cache.name,
            namespace: p.metadata.namespace!,
            name: p.metadata.name!,
          }),
        )
        .filter((p): p is ProviderSummary => p !== undefined),
    );
  }

  /** Scrapes every provider now (tests, and a fresh start). */
  scrapeMetrics(): Promise<void> {
    return this.metricsSource.scrapeAll();
  }

  subscribe(listener: InventoryListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private wire(cache: ClusterCache): void {
    cache.vms.on((type, vm) => {
      const key = keyOf({
        cluster: cache.name,
        namespace: vm.metadata.namespace!,
        name: vm.metadata.name!,
      });
      if (type === 'delete') {
        this.vmSummaries.delete(key);
        this.timelines.forget(key);
      } else {
        const summary = toVmSummary(cache.name, vm);
        this.vmSummaries.set(key, summary);
        this.timelines.record(key, summary.phase, summary.powerState);
      }
      this.emit({
        kind: 'VirtualMachine',
        type: type === 'delete' ? 'delete' : 'upsert',
        cluster: cache.name,
        object: vm,
      });
      // The provider's VM count changed.
      if (type !== 'update')
        this.providerChanged(cache.name, vm.metadata.namespace!, vm.spec.providerRef.name);
    });
    cache.providers.on((type, provider) => {
      this.emit({
        kind: 'Provider',
        type: type === 'delete' ? 'delete' : 'upsert',
        cluster: cache.name,
        object: provider,
      });
    });
    cache.deployments.on((_type, deployment) => {
      const owner = deployment.metadata.labels?.['app.kubernetes.io/instance'];
      if (owner) this.providerChanged(cache.name, deployment.metadata.namespace!, owner);
    });
  }

  private providerChanged(cluster: string, namespace: string, name: string): void {
    const provider = this.caches.get(cluster)?.providers.get(namespace, name);
    if (provider) this.emit({ kind: 'Provider', type: 'upsert', cluster, object: provider });
  }

  private emit(change: InventoryChange): void {
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch (err) {
        this.logger.error(`virtrigaud inventory listener failed: ${err}`);
      }
    }
  }

  private async startWithRetry(cache: ClusterCache): Promise<void> {
    for (let attempt = 0; !this.stopped; attempt++) {
      try {
        await cache.start();
        this.logger.info(`virtrigaud cluster ${cache.name}: cache synced`);
        void this.metricsSource.scrapeAll();
        return;
      } catch (err) {
        cache.stop();
        const delay = Math.min(MAX_START_BACKOFF_MS, 500 * 2 ** attempt);
        this.logger.warn(
          `virtrigaud cluster ${cache.name} unreachable (${err}); retrying in ${delay} ms`,
        );
        await new Promise((resolve) => setTimeout(resolve, delay).unref());
      }
    }
  }
}

function keyOf(ref: ObjectRef): string {
  return `${ref.cluster}/${ref.namespace}/${ref.name}`;
}

// The seed's provider metrics (names and labels exactly as its "Observability" section shows),
// plus the process metrics prom-client collects, in a registry of their own.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Description } from '../backend';
import {
  METRIC_CONNECTION,
  METRIC_GRPC_DURATION,
  METRIC_GRPC_REQUESTS,
  METRIC_HEALTH,
  METRIC_VMS,
} from './metric-names';

/** provider_vms_total `state` label per normalised power state (the seed shows running/stopped). */
const VM_STATE_LABEL: Record<Description['powerState'], string> = {
  On: 'running',
  Off: 'stopped',
  Suspended: 'suspended',
  Unknown: 'unknown',
};

/**
 * The host of an endpoint URL, without scheme, user, port or path: the only part of an endpoint
 * that may appear in a label (`qemu+ssh://admin@kvm.example.com/system` → `kvm.example.com`).
 */
export function endpointHost(endpoint: string): string {
  try {
    const host = new URL(endpoint).hostname;
    if (host) return host;
  } catch {
    // not a URL: fall through
  }
  const afterUser = endpoint.slice(endpoint.lastIndexOf('@') + 1);
  return afterUser.split(/[/:]/)[0] ?? '';
}

export class ProviderMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'method' | 'status'>;
  private readonly duration: Histogram<'method'>;
  private readonly vms: Gauge<'state'>;
  private readonly health: Gauge<'provider'>;
  private readonly connection: Gauge<'endpoint'>;

  constructor(
    private readonly providerLabel: string,
    private readonly endpointLabel: string,
  ) {
    const registers = [this.registry];
    this.requests = new Counter({
      name: METRIC_GRPC_REQUESTS,
      help: 'gRPC requests handled, by method and outcome (success or the gRPC status code).',
      labelNames: ['method', 'status'],
      registers,
    });
    // A histogram, not a summary: bucket counts add up across the replicas of a
    // Provider (a summary's quantiles cannot be aggregated), and an observation is a few
    // increments. The seed's `quantile="0.95"` line is
    // histogram_quantile(0.95, sum by (le, method) (rate(..._bucket[5m]))).
    this.duration = new Histogram({
      name: METRIC_GRPC_DURATION,
      help: 'gRPC request duration in seconds, by method.',
      labelNames: ['method'],
      // From a cached Describe (~1 ms) to a slow clone or image import (minutes).
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers,
    });
    this.vms = new Gauge({
      name: METRIC_VMS,
      help: 'VMs this provider manages on its hypervisor, by power state.',
      labelNames: ['state'],
      registers,
    });
    this.health = new Gauge({
      name: METRIC_HEALTH,
      help: '1 while the provider is healthy (its hypervisor validates), else 0.',
      labelNames: ['provider'],
      registers,
    });
    this.connection = new Gauge({
      name: METRIC_CONNECTION,
      help: '1 while the hypervisor endpoint is reachable with the configured credentials, else 0.',
      labelNames: ['endpoint'],
      registers,
    });
    collectDefaultMetrics({ register: this.registry });
    this.setHealthy(false);
    for (const state of Object.values(VM_STATE_LABEL)) this.vms.set({ state }, 0);
  }

  /** Label children by method, then outcome: resolving labels on every call is measurable. */
  private readonly callSeries = new Map<
    string,
    Map<string, { count: () => void; observe: (s: number) => void }>
  >();

  observeCall(method: string, status: string, seconds: number): void {
    let byStatus = this.callSeries.get(method);
    if (!byStatus) this.callSeries.set(method, (byStatus = new Map()));
    let series = byStatus.get(status);
    if (!series) {
      const counter = this.requests.labels({ method, status });
      const histogram = this.duration.labels({ method });
      series = { count: () => counter.inc(), observe: (s) => histogram.observe(s) };
      byStatus.set(status, series);
    }
    series.count();
    series.observe(seconds);
  }

  setHealthy(healthy: boolean): void {
    this.health.set({ provider: this.providerLabel }, healthy ? 1 : 0);
    this.connection.set({ endpoint: this.endpointLabel }, healthy ? 1 : 0);
  }

  setVmCounts(powerStates: Description['powerState'][]): void {
    const counts = new Map(Object.values(VM_STATE_LABEL).map((state) => [state, 0]));
    for (const powerState of powerStates) {
      const state = VM_STATE_LABEL[powerState] ?? 'unknown';
      counts.set(state, (counts.get(state) ?? 0) + 1);
    }
    for (const [state, count] of counts) this.vms.set({ state }, count);
  }
}

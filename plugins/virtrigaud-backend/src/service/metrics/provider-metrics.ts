// Request rate, error ratio, mean and p95 latency and VMs by state of a provider, from two
// consecutive scrapes of its metrics (provider_grpc_requests_total{method,status}, the request
// duration histogram, provider_vms_total{state}). A counter that went down means the pod
// restarted: the window then starts at zero.
import { METRIC_GRPC_DURATION, METRIC_GRPC_REQUESTS, METRIC_VMS } from '@virtrigaud/monitoring';
import type { ProviderMetricsSample } from '@virtrigaud/plugin-virtrigaud-common';
import { parseSamples } from './prometheus-text';

const DURATION_SUM = `${METRIC_GRPC_DURATION}_sum`;
const DURATION_COUNT = `${METRIC_GRPC_DURATION}_count`;
const DURATION_BUCKET = `${METRIC_GRPC_DURATION}_bucket`;
const FAMILIES = new Set([
  METRIC_GRPC_REQUESTS,
  DURATION_SUM,
  DURATION_COUNT,
  DURATION_BUCKET,
  METRIC_VMS,
]);

/** `status` label values of successful calls: the seed's "success"; failures carry the gRPC code. */
const OK_STATUSES = new Set(['success', 'OK', '0']);

export interface CounterSnapshot {
  at: number;
  requests: number;
  errors: number;
  durationSum: number;
  durationCount: number;
  /** Cumulative bucket counts by upper bound (`le`), summed over methods. */
  buckets: Map<number, number>;
  vmsByState: Record<string, number>;
}

export function snapshotFromText(text: string, at: number): CounterSnapshot {
  const snapshot: CounterSnapshot = {
    at,
    requests: 0,
    errors: 0,
    durationSum: 0,
    durationCount: 0,
    buckets: new Map(),
    vmsByState: {},
  };
  for (const sample of parseSamples(text, FAMILIES)) {
    if (!Number.isFinite(sample.value)) continue;
    switch (sample.name) {
      case METRIC_GRPC_REQUESTS:
        snapshot.requests += sample.value;
        if (!OK_STATUSES.has(sample.labels.status ?? 'success')) snapshot.errors += sample.value;
        break;
      case DURATION_SUM:
        snapshot.durationSum += sample.value;
        break;
      case DURATION_COUNT:
        snapshot.durationCount += sample.value;
        break;
      case DURATION_BUCKET: {
        // The text format writes the last bound as +Inf, which Number() does not read.
        const le = sample.labels.le === '+Inf' ? Infinity : Number(sample.labels.le);
        snapshot.buckets.set(le, (snapshot.buckets.get(le) ?? 0) + sample.value);
        break;
      }
      default: {
        const state = sample.labels.state ?? 'unknown';
        snapshot.vmsByState[state] = (snapshot.vmsByState[state] ?? 0) + sample.value;
      }
    }
  }
  return snapshot;
}

/**
 * The q-quantile of observations given cumulative bucket counts, interpolating linearly inside
 * the bucket (what PromQL's histogram_quantile does); undefined without observations.
 */
export function histogramQuantile(q: number, buckets: Map<number, number>): number | undefined {
  const bounds = [...buckets.keys()].sort((a, b) => a - b);
  const total = buckets.get(Infinity) ?? 0;
  if (total <= 0) return undefined;
  const rank = q * total;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const bound of bounds) {
    const count = buckets.get(bound)!;
    if (count >= rank) {
      if (bound === Infinity) return lowerBound; // above the highest finite bucket
      return lowerBound + (bound - lowerBound) * ((rank - lowerCount) / (count - lowerCount || 1));
    }
    lowerBound = bound;
    lowerCount = count;
  }
  return lowerBound;
}

export function sampleBetween(
  previous: CounterSnapshot,
  current: CounterSnapshot,
): ProviderMetricsSample {
  const windowSeconds = Math.max((current.at - previous.at) / 1000, 0.001);
  const reset = current.requests < previous.requests;
  const delta = (now: number, before: number) => (reset ? now : Math.max(now - before, 0));
  const requests = delta(current.requests, previous.requests);
  const errors = delta(current.errors, previous.errors);
  const count = delta(current.durationCount, previous.durationCount);
  const sum = delta(current.durationSum, previous.durationSum);
  const buckets = new Map(
    [...current.buckets].map(([le, n]) => [le, delta(n, previous.buckets.get(le) ?? 0)]),
  );
  return {
    at: new Date(current.at).toISOString(),
    requestRate: requests / windowSeconds,
    errorRate: requests > 0 ? errors / requests : 0,
    meanLatencySeconds: count > 0 ? sum / count : undefined,
    p95LatencySeconds: histogramQuantile(0.95, buckets),
    vmsByState: current.vmsByState,
    windowSeconds,
  };
}

// Request rate, error rate and mean latency of a provider, from two consecutive scrapes of its
// counters (provider_grpc_requests_total{method,status} and the request duration histogram's
// _sum/_count). A counter that went down means the pod restarted: the window then starts at zero.
import type { ProviderMetricsSample } from '@virtrigaud/plugin-virtrigaud-common';
import { parseSamples } from './prometheus-text';

export const REQUESTS_TOTAL = 'provider_grpc_requests_total';
export const DURATION_SUM = 'provider_grpc_request_duration_seconds_sum';
export const DURATION_COUNT = 'provider_grpc_request_duration_seconds_count';
const FAMILIES = new Set([REQUESTS_TOTAL, DURATION_SUM, DURATION_COUNT]);

/** `status` label values of successful calls: the seed's "success"; failures carry the gRPC code. */
const OK_STATUSES = new Set(['success', 'OK', '0']);

export interface CounterSnapshot {
  at: number;
  requests: number;
  errors: number;
  durationSum: number;
  durationCount: number;
}

export function snapshotFromText(text: string, at: number): CounterSnapshot {
  const snapshot: CounterSnapshot = {
    at,
    requests: 0,
    errors: 0,
    durationSum: 0,
    durationCount: 0,
  };
  for (const sample of parseSamples(text, FAMILIES)) {
    if (!Number.isFinite(sample.value)) continue;
    if (sample.name === REQUESTS_TOTAL) {
      snapshot.requests += sample.value;
      if (!OK_STATUSES.has(sample.labels.status ?? 'success')) snapshot.errors += sample.value;
    } else if (sample.name === DURATION_SUM) {
      snapshot.durationSum += sample.value;
    } else {
      snapshot.durationCount += sample.value;
    }
  }
  return snapshot;
}

function delta(current: number, previous: number): number {
  return current >= previous ? current - previous : current;
}

export function sampleBetween(
  previous: CounterSnapshot,
  current: CounterSnapshot,
): ProviderMetricsSample {
  const windowSeconds = Math.max((current.at - previous.at) / 1000, 0.001);
  const reset = current.requests < previous.requests;
  const requests = reset ? current.requests : delta(current.requests, previous.requests);
  const errors = reset ? current.errors : delta(current.errors, previous.errors);
  const count = reset
    ? current.durationCount
    : delta(current.durationCount, previous.durationCount);
  const sum = reset ? current.durationSum : delta(current.durationSum, previous.durationSum);
  return {
    at: new Date(current.at).toISOString(),
    requestRate: requests / windowSeconds,
    errorRate: requests > 0 ? errors / requests : 0,
    meanLatencySeconds: count > 0 ? sum / count : undefined,
    windowSeconds,
  };
}

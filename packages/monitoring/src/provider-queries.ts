// PromQL for one Provider's (or a set of Providers') request rate, error ratio, latency and VMs,
// shared by the Grafana provider dashboard and the portal's Provider page.
import {
  METRIC_GRPC_DURATION,
  METRIC_GRPC_REQUESTS,
  METRIC_VMS,
  STATUS_SUCCESS,
} from '@virtrigaud/provider-sdk';
import { JOB_PROVIDERS, LABEL_NAMESPACE, LABEL_PROVIDER } from './targets';

/** Label matchers choosing providers: exact names, or regular expressions (Grafana variables). */
export interface ProviderSelector {
  namespace: string;
  provider: string;
  /** `=~` instead of `=` (dashboard variables hold regular expressions). */
  regex?: boolean;
}

export function providerMatchers(selector: ProviderSelector): string {
  const op = selector.regex ? '=~' : '=';
  return [
    `job="${JOB_PROVIDERS}"`,
    `${LABEL_NAMESPACE}${op}${JSON.stringify(selector.namespace)}`,
    `${LABEL_PROVIDER}${op}${JSON.stringify(selector.provider)}`,
  ].join(', ');
}

export const providerQueries = {
  /** Calls per second, all methods, summed over the Provider's replicas. */
  requestRate: (m: string, window: string) => `sum(rate(${METRIC_GRPC_REQUESTS}{${m}}[${window}]))`,
  requestRateByMethod: (m: string, window: string) =>
    `sum by (method) (rate(${METRIC_GRPC_REQUESTS}{${m}}[${window}]))`,
  errorRateByStatus: (m: string, window: string) =>
    `sum by (status) (rate(${METRIC_GRPC_REQUESTS}{${m}, status!="${STATUS_SUCCESS}"}[${window}]))`,
  /** Failed calls / all calls; no value while there are no calls. */
  errorRatio: (m: string, window: string) =>
    `sum(rate(${METRIC_GRPC_REQUESTS}{${m}, status!="${STATUS_SUCCESS}"}[${window}]) or vector(0))` +
    ` / sum(rate(${METRIC_GRPC_REQUESTS}{${m}}[${window}]))`,
  meanLatency: (m: string, window: string) =>
    `sum(rate(${METRIC_GRPC_DURATION}_sum{${m}}[${window}])) / sum(rate(${METRIC_GRPC_DURATION}_count{${m}}[${window}]))`,
  latencyQuantile: (m: string, window: string, quantile: number, by = '') =>
    `histogram_quantile(${quantile}, sum by (le${by ? `, ${by}` : ''}) (rate(${METRIC_GRPC_DURATION}_bucket{${m}}[${window}])))`,
  latencyBuckets: (m: string, window: string) =>
    `sum by (le) (increase(${METRIC_GRPC_DURATION}_bucket{${m}}[${window}]))`,
  vmsByState: (m: string) => `sum by (state) (${METRIC_VMS}{${m}})`,
};

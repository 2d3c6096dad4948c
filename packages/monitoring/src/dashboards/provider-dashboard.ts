// The providers dashboard: health, traffic, errors, latency and VMs of the selected Providers,
// from the metrics every provider pod exposes (the seed's names) and the manager's view of them.
import { METRIC_CONNECTION, METRIC_HEALTH } from '@virtrigaud/provider-sdk';
import { providerMatchers, providerQueries as q } from '../provider-queries';
import { JOB_MANAGER, JOB_PROVIDERS } from '../targets';
import type { Dashboard } from './grafana';

const m = providerMatchers({ namespace: '$namespace', provider: '$provider', regex: true });
const w = '$__rate_interval';

export const PROVIDER_DASHBOARD: Dashboard = {
  uid: 'virtrigaud-providers',
  title: 'VirtRigaud / Providers',
  description: 'Health, gRPC traffic, errors, latency and VMs of VirtRigaud provider pods.',
  tags: ['virtrigaud'],
  variables: [
    {
      name: 'namespace',
      label: 'Namespace',
      query: `label_values(${METRIC_HEALTH}{job="${JOB_PROVIDERS}"}, namespace)`,
    },
    {
      name: 'provider',
      label: 'Provider',
      query: `label_values(${METRIC_HEALTH}{job="${JOB_PROVIDERS}", namespace=~"$namespace"}, provider)`,
    },
  ],
  rows: [
    {
      title: 'Health',
      panels: [
        {
          title: 'Pods up',
          description: 'Provider pods Prometheus scrapes successfully, per Provider.',
          type: 'stat',
          unit: 'short',
          queries: [{ expr: `sum by (provider) (up{${m}})`, legend: '{{provider}}' }],
        },
        {
          title: 'Healthy',
          description: 'provider_health_status: 1 while the provider validates its hypervisor.',
          type: 'stat',
          unit: 'bool_yes_no',
          queries: [{ expr: `min by (provider) (${METRIC_HEALTH}{${m}})`, legend: '{{provider}}' }],
        },
        {
          title: 'Hypervisor connected',
          description: 'provider_hypervisor_connection_status per hypervisor endpoint.',
          type: 'stat',
          unit: 'bool_yes_no',
          queries: [
            {
              expr: `min by (provider, endpoint) (${METRIC_CONNECTION}{${m}})`,
              legend: '{{provider}} → {{endpoint}}',
            },
          ],
        },
        {
          title: 'Circuit open (manager)',
          description:
            '1 while the manager fails calls to a provider fast after transport failures.',
          type: 'stat',
          unit: 'bool_yes_no',
          queries: [
            {
              expr: `max by (provider) (virtrigaud_provider_circuit_open{job="${JOB_MANAGER}"})`,
              legend: '{{provider}}',
              emptyWhileHealthy: true,
            },
          ],
        },
      ],
    },
    {
      title: 'Requests',
      panels: [
        {
          title: 'Request rate by method',
          description: 'gRPC calls per second the providers answered.',
          type: 'timeseries',
          unit: 'reqps',
          queries: [{ expr: q.requestRateByMethod(m, w), legend: '{{method}}' }],
        },
        {
          title: 'Error ratio',
          description: 'Failed calls / all calls.',
          type: 'timeseries',
          unit: 'percentunit',
          queries: [{ expr: q.errorRatio(m, w), legend: 'error ratio' }],
        },
        {
          title: 'Errors by status',
          description: 'Failed calls per second by gRPC status code.',
          type: 'timeseries',
          unit: 'reqps',
          queries: [
            { expr: q.errorRateByStatus(m, w), legend: '{{status}}', emptyWhileHealthy: true },
          ],
        },
      ],
    },
    {
      title: 'Latency',
      panels: [
        {
          title: 'Latency quantiles',
          description: 'p50, p95 and p99 of gRPC call duration over all methods.',
          type: 'timeseries',
          unit: 's',
          queries: [0.5, 0.95, 0.99].map((quantile) => ({
            expr: q.latencyQuantile(m, w, quantile),
            legend: `p${quantile * 100}`,
          })),
        },
        {
          title: 'p95 latency by method',
          description: '95th percentile of gRPC call duration per method.',
          type: 'timeseries',
          unit: 's',
          queries: [{ expr: q.latencyQuantile(m, w, 0.95, 'method'), legend: '{{method}}' }],
        },
        {
          title: 'Latency distribution',
          description: 'Calls per duration bucket (the request duration histogram).',
          type: 'heatmap',
          unit: 's',
          queries: [{ expr: q.latencyBuckets(m, w), legend: '{{le}}' }],
        },
      ],
    },
    {
      title: 'Virtual machines',
      panels: [
        {
          title: 'VMs by state',
          description: 'provider_vms_total: VMs on the hypervisors, by power state.',
          type: 'timeseries',
          unit: 'short',
          queries: [{ expr: q.vmsByState(m), legend: '{{state}}' }],
        },
        {
          title: 'Manager calls by code',
          description: 'Calls the manager made to the providers, by gRPC result code.',
          type: 'timeseries',
          unit: 'reqps',
          queries: [
            {
              expr: `sum by (code) (rate(virtrigaud_provider_calls_total{job="${JOB_MANAGER}"}[${w}]))`,
              legend: '{{code}}',
            },
          ],
        },
      ],
    },
  ],
};

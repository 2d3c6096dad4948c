// The operator dashboard: reconciles, work queues, Kubernetes API traffic and the manager process.
import { JOB_MANAGER } from '../targets';
import type { Dashboard } from './grafana';

const job = `job="${JOB_MANAGER}", instance=~"$instance"`;
const w = '$__rate_interval';

export const OPERATOR_DASHBOARD: Dashboard = {
  uid: 'virtrigaud-operator',
  title: 'VirtRigaud / Operator',
  description: 'Reconciles, work queues and Kubernetes API requests of the VirtRigaud manager.',
  tags: ['virtrigaud'],
  variables: [
    {
      name: 'instance',
      label: 'Manager replica',
      query: `label_values(virtrigaud_leader{job="${JOB_MANAGER}"}, instance)`,
    },
  ],
  rows: [
    {
      title: 'Overview',
      panels: [
        {
          title: 'Leader',
          description: '1 on the replica that holds the leader Lease and runs the controllers.',
          type: 'stat',
          unit: 'short',
          queries: [{ expr: `virtrigaud_leader{${job}}`, legend: '{{instance}}' }],
        },
        {
          title: 'VMs by phase',
          description: 'VirtualMachines per status.phase, from the manager cache.',
          type: 'timeseries',
          unit: 'short',
          width: 18,
          queries: [{ expr: `max by (phase) (virtrigaud_vms{${job}})`, legend: '{{phase}}' }],
        },
      ],
    },
    {
      title: 'Reconciles',
      panels: [
        {
          title: 'Reconciles by controller and result',
          description: 'Reconciles per second.',
          type: 'timeseries',
          unit: 'ops',
          queries: [
            {
              expr: `sum by (controller, result) (rate(virtrigaud_reconcile_total{${job}}[${w}]))`,
              legend: '{{controller}} {{result}}',
            },
          ],
        },
        {
          title: 'Reconcile errors',
          description: 'Reconciles per second that ended in an error and were retried.',
          type: 'timeseries',
          unit: 'ops',
          queries: [
            {
              expr: `sum by (controller) (rate(virtrigaud_reconcile_errors_total{${job}}[${w}]))`,
              legend: '{{controller}}',
              emptyWhileHealthy: true,
            },
          ],
        },
        {
          title: 'Reconcile duration p95',
          description: '95th percentile of one reconcile, per controller.',
          type: 'timeseries',
          unit: 's',
          queries: [
            {
              expr: `histogram_quantile(0.95, sum by (le, controller) (rate(virtrigaud_reconcile_duration_seconds_bucket{${job}}[${w}])))`,
              legend: '{{controller}}',
            },
          ],
        },
      ],
    },
    {
      title: 'Work queues',
      panels: [
        {
          title: 'Queue depth',
          description: 'Items waiting per controller work queue.',
          type: 'timeseries',
          unit: 'short',
          queries: [
            { expr: `max by (name) (virtrigaud_workqueue_depth{${job}})`, legend: '{{name}}' },
          ],
        },
        {
          title: 'Adds and retries',
          description: 'Items added per second, and rate-limited re-queues of failed items.',
          type: 'timeseries',
          unit: 'ops',
          queries: [
            {
              expr: `sum by (name) (rate(virtrigaud_workqueue_adds_total{${job}}[${w}]))`,
              legend: '{{name}} adds',
            },
            {
              expr: `sum by (name) (rate(virtrigaud_workqueue_retries_total{${job}}[${w}]))`,
              legend: '{{name}} retries',
              emptyWhileHealthy: true,
            },
          ],
        },
        {
          title: 'Queue wait p95',
          description: 'How long items wait before a worker takes them.',
          type: 'timeseries',
          unit: 's',
          queries: [
            {
              expr: `histogram_quantile(0.95, sum by (le, name) (rate(virtrigaud_workqueue_queue_duration_seconds_bucket{${job}}[${w}])))`,
              legend: '{{name}}',
            },
          ],
        },
      ],
    },
    {
      title: 'Kubernetes API',
      panels: [
        {
          title: 'API requests by verb and code',
          description: 'Requests per second to the Kubernetes API.',
          type: 'timeseries',
          unit: 'reqps',
          queries: [
            {
              expr: `sum by (verb, code) (rate(virtrigaud_kube_api_requests_total{${job}}[${w}]))`,
              legend: '{{verb}} {{code}}',
            },
          ],
        },
        {
          title: 'API latency p95',
          description:
            '95th percentile of Kubernetes API request latency, per verb (watches excluded).',
          type: 'timeseries',
          unit: 's',
          queries: [
            {
              expr: `histogram_quantile(0.95, sum by (le, verb) (rate(virtrigaud_kube_api_request_duration_seconds_bucket{${job}}[${w}])))`,
              legend: '{{verb}}',
            },
          ],
        },
        {
          title: 'Informer relists',
          description: 'Full relists after a watch expired (410 Gone).',
          type: 'timeseries',
          unit: 'short',
          queries: [
            {
              expr: `sum by (resource) (increase(virtrigaud_informer_relists_total{${job}}[${w}]))`,
              legend: '{{resource}}',
              emptyWhileHealthy: true,
            },
          ],
        },
      ],
    },
    {
      title: 'Process',
      panels: [
        {
          title: 'CPU',
          description: 'CPU seconds per second of each manager replica.',
          type: 'timeseries',
          unit: 'percentunit',
          queries: [
            { expr: `rate(process_cpu_seconds_total{${job}}[${w}])`, legend: '{{instance}}' },
          ],
        },
        {
          title: 'Memory',
          description: 'Resident memory of each manager replica.',
          type: 'timeseries',
          unit: 'bytes',
          queries: [{ expr: `process_resident_memory_bytes{${job}}`, legend: '{{instance}}' }],
        },
      ],
    },
  ],
};

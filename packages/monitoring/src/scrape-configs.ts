// Scrape jobs for a Prometheus without the Prometheus Operator: Kubernetes pod discovery, kept to
// the manager's and the providers' `metrics` ports, with the same job names and target labels the
// chart's ServiceMonitor and PodMonitor produce.
import { LABEL_INSTANCE, LABEL_NAME, METRICS_PORT_NAME, PROVIDER_APP_NAME } from '@virtrigaud/api';
import { JOB_MANAGER, JOB_PROVIDERS, LABEL_NAMESPACE, LABEL_POD, LABEL_PROVIDER } from './targets';

/** Prometheus' service-discovery meta label of a pod label. */
function podLabel(name: string): string {
  return `__meta_kubernetes_pod_label_${name.replace(/[^a-zA-Z0-9_]/g, '_')}`;
}

const podTargetLabels = [
  { source_labels: ['__meta_kubernetes_namespace'], target_label: LABEL_NAMESPACE },
  { source_labels: ['__meta_kubernetes_pod_name'], target_label: LABEL_POD },
];

function job(name: string, keep: Record<string, string>, extra: Record<string, unknown>[]) {
  return {
    job_name: name,
    kubernetes_sd_configs: [{ role: 'pod' }],
    relabel_configs: [
      {
        source_labels: [
          ...Object.keys(keep).map(podLabel),
          '__meta_kubernetes_pod_container_port_name',
        ],
        regex: [...Object.values(keep), METRICS_PORT_NAME].join(';'),
        action: 'keep',
      },
      ...podTargetLabels,
      ...extra,
    ],
  };
}

export function scrapeConfigs(): Record<string, unknown>[] {
  return [
    job(JOB_MANAGER, { [LABEL_NAME]: 'virtrigaud', 'app.kubernetes.io/component': 'manager' }, []),
    job(JOB_PROVIDERS, { [LABEL_NAME]: PROVIDER_APP_NAME }, [
      { source_labels: [podLabel(LABEL_INSTANCE)], target_label: LABEL_PROVIDER },
    ]),
  ];
}

// The NetworkPolicy generated beside each Provider's Deployment: provider pods accept gRPC only
// from the manager's pods and metrics only from the configured scrapers. Without it any pod in
// the cluster could call Delete on a provider that serves plaintext gRPC (the seed's default).
import { METRICS_PORT } from '@virtrigaud/api';
import type { NetworkPolicyOptions } from './security-options';

/** The namespace label the API server sets on every namespace (Kubernetes ≥ 1.21). */
const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

export function networkPolicySpec(
  podSelector: Record<string, string>,
  grpcPort: number,
  options: NetworkPolicyOptions,
): Record<string, unknown> {
  return {
    podSelector: { matchLabels: podSelector },
    policyTypes: ['Ingress'],
    ingress: [
      {
        from: [
          {
            namespaceSelector: {
              matchLabels: { [NAMESPACE_NAME_LABEL]: options.managerNamespace },
            },
            podSelector: { matchLabels: options.managerPodLabels },
          },
        ],
        ports: [{ protocol: 'TCP', port: grpcPort }],
      },
      {
        from: [
          {
            namespaceSelector: { matchLabels: options.metricsNamespaceLabels },
            podSelector: { matchLabels: options.metricsPodLabels },
          },
        ],
        ports: [{ protocol: 'TCP', port: METRICS_PORT }],
      },
    ],
  };
}

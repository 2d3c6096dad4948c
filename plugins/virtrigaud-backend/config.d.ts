// app-config.yaml schema of the VirtRigaud backend plugin. Without `virtrigaud.clusters`, the
// clusters of `kubernetes.clusterLocatorMethods` (type `config`, the shape
// @backstage/plugin-kubernetes-backend reads) are used, so one configuration serves both plugins;
// without either, the KUBECONFIG environment variable (or ~/.kube/config) is the only cluster.
export interface Config {
  virtrigaud?: {
    clusters?: Array<{
      /** Cluster name used in API paths and entity annotations. */
      name: string;
      /** API server URL (with serviceAccountToken), as in kubernetes.clusterLocatorMethods. */
      url?: string;
      /** Only `serviceAccount` (a bearer token) is supported with `url`. */
      authProvider?: 'serviceAccount';
      /** @visibility secret */
      serviceAccountToken?: string;
      /** Base64 PEM CA bundle of the API server. */
      caData?: string;
      skipTLSVerify?: boolean;
      /** A kubeconfig file instead of url/token (local runs: the devcluster writes one). */
      kubeconfigPath?: string;
      /** Context of kubeconfigPath; its current context by default. */
      context?: string;
    }>;
    /** Scraping of provider metrics (request rate, error rate, latency). */
    metrics?: {
      /** Seconds between scrapes of each provider; default 15. */
      intervalSeconds?: number;
      /** Samples kept per provider for charts; default 240 (an hour at the default interval). */
      historySize?: number;
      /** Per-scrape timeout in milliseconds; default 2000. */
      timeoutMs?: number;
    };
    /**
     * A Prometheus that scrapes the provider pods (the chart's monitoring.enabled): the Provider
     * page's last-hour charts are read from it instead of the backend's own scrapes.
     */
    prometheus?: {
      /** e.g. http://prometheus-operated.monitoring:9090 */
      baseUrl?: string;
    };
    /** Entities of the catalog module (@virtrigaud/plugin-catalog-backend-module-virtrigaud). */
    catalog?: {
      /** Owner of objects without a backstage.io/owner annotation or label; default "unknown". */
      defaultOwner?: string;
      /** System of objects without a backstage.io/system annotation or label. */
      system?: string;
    };
  };
}

// The job names and target labels every scrape setup (ServiceMonitor/PodMonitor, the plain
// Prometheus scrape configs, the end-to-end test) gives the VirtRigaud targets. Alert rules,
// dashboards and the portal's queries select on exactly these.
export const JOB_MANAGER = 'virtrigaud-manager';
export const JOB_PROVIDERS = 'virtrigaud-providers';

/** Target label naming the Provider object a provider pod serves (its app.kubernetes.io/instance). */
export const LABEL_PROVIDER = 'provider';
export const LABEL_NAMESPACE = 'namespace';
export const LABEL_POD = 'pod';

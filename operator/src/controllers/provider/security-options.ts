// The manager's security settings for the Providers it runs: whether gRPC is mutual TLS for
// Providers that do not say, the manager's own client identity, the generated NetworkPolicy and
// what a Provider may run (admission-policy.ts). From flags (cli/options.ts); tests set them.

export interface NetworkPolicyOptions {
  /** Namespace of the manager pods (the only ones that may reach a provider's gRPC port). */
  managerNamespace: string;
  /** Labels of the manager pods. */
  managerPodLabels: Record<string, string>;
  /** Namespaces whose pods (matching metricsPodLabels) may scrape the metrics port. */
  metricsNamespaceLabels: Record<string, string>;
  /** Pods that may scrape the metrics port; empty = every pod of those namespaces. */
  metricsPodLabels: Record<string, string>;
}

export interface ProviderAdmissionPolicy {
  /** Image references must start with one of these; empty = any image. */
  allowedImagePrefixes: string[];
  /** ServiceAccounts a Provider may run as (spec.runtime.serviceAccountName); empty = none. */
  allowedServiceAccounts: string[];
}

export interface ProviderSecurityOptions {
  /** spec.tls.enabled of a Provider that does not set it. */
  tlsByDefault: boolean;
  /**
   * SANs of the manager's client certificate (e.g. URI:spiffe://...): what providers admit under
   * mutual TLS (provider.json tls.allowedClients).
   */
  managerIdentities: string[];
  /** A NetworkPolicy per Provider; undefined = none. */
  networkPolicy?: NetworkPolicyOptions;
  admission: ProviderAdmissionPolicy;
}

/** The seed's behaviour: no TLS unless asked, no NetworkPolicy, any image. */
export const SEED_SECURITY: ProviderSecurityOptions = {
  tlsByDefault: false,
  managerIdentities: [],
  admission: { allowedImagePrefixes: [], allowedServiceAccounts: [] },
};

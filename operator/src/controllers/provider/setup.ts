// Provider controller wiring: it owns the provider Deployment, Service, ConfigMap and NetworkPolicy (labelled
// managed-by virtrigaud), so a change to any of them reconciles the Provider that owns it.
import { MANAGED_SELECTOR, type Provider, Resources } from '@virtrigaud/api';
import { type KubeObject, KubeResources } from '@virtrigaud/kube';
import type { Manager } from '../../manager';
import type { Controller } from '../../runtime/controller';
import { ProviderReconciler } from './reconciler';

export function setup(manager: Manager): Controller {
  const providers = manager.informer<Provider & KubeObject>(Resources.Provider);
  const deployments = manager.informer<KubeObject>(KubeResources.Deployment, MANAGED_SELECTOR);
  const services = manager.managedServices;
  const configMaps = manager.informer<KubeObject>(KubeResources.ConfigMap, MANAGED_SELECTOR);
  const security = manager.options.providerSecurity;
  const networkPolicies = security.networkPolicy
    ? manager.informer<KubeObject>(KubeResources.NetworkPolicy, MANAGED_SELECTOR)
    : undefined;
  const ownerProvider = (obj: KubeObject) =>
    (obj.metadata.ownerReferences ?? [])
      .filter((r) => r.kind === 'Provider')
      .map((r) => `${obj.metadata.namespace}/${r.name}`);
  const controller = manager
    .controller(
      'provider',
      manager.options.concurrency.provider,
      new ProviderReconciler({
        client: manager.client,
        providers,
        deployments,
        services,
        configMaps,
        networkPolicies,
        endpoints: manager.endpoints,
        gateway: manager.gateway,
        recorder: manager.recorder,
        imageTag: manager.options.providerImageTag,
        healthIntervalMs: manager.options.providerHealthIntervalMs,
        security,
      }),
    )
    .watchesOwn(providers)
    .watches(deployments, ownerProvider)
    .watches(services, ownerProvider)
    .watches(configMaps, ownerProvider);
  if (networkPolicies) controller.watches(networkPolicies, ownerProvider);
  return controller;
}

// Provider controller: keeps the generated ConfigMap, Service and Deployment equal to what the
// Provider asks for, then reports whether the provider pods are available and whether they reach
// their hypervisor (Validate), with the capabilities the provider announces.
import {
  type EventRecorder,
  type Informer,
  isAlreadyExists,
  type KubeClient,
  type KubeObject,
  KubeResources,
  type Manifest,
  type ObjectKey,
  type ResourceType,
  type ServiceLike,
} from '@virtrigaud/kube';
import { Resources, generatedName } from '@virtrigaud/api';
import { SPEC_HASH_ANNOTATION } from './pod-settings';
import type { Condition, Provider, ProviderStatus } from '@virtrigaud/api';
import { isProviderCallError } from '../../grpc/errors';
import type { ProviderGateway } from '../../grpc/provider-gateway';
import type { ReconcileContext, ReconcileResult, Reconciler } from '../../runtime/controller';
import { setCondition, type ConditionInput } from '../../runtime/conditions';
import { capabilityNames } from './capabilities';
import type { ProviderEndpoints } from './endpoint';
import { policyViolation } from './admission-policy';
import { imageReferenceProblem } from './image-reference';
import {
  configChecksum,
  providerConfig,
  providerImage,
  renderProvider,
  tlsEnabled,
  tlsSecretName,
} from './render';
import type { ProviderSecurityOptions } from './security-options';

export const PROVIDER_CONDITIONS = {
  ready: 'Ready',
  available: 'Available',
  hypervisorConnected: 'HypervisorConnected',
} as const;

type DeploymentObject = KubeObject & {
  status?: { replicas?: number; readyReplicas?: number; availableReplicas?: number };
};
type ServiceObject = ServiceLike;

export interface ProviderReconcilerDeps {
  client: KubeClient;
  providers: Informer<Provider & KubeObject>;
  deployments: Informer<DeploymentObject>;
  services: Informer<ServiceObject>;
  configMaps: Informer<KubeObject>;
  /** Present when the manager generates NetworkPolicies (security.networkPolicy). */
  networkPolicies?: Informer<KubeObject>;
  endpoints: ProviderEndpoints;
  gateway: ProviderGateway;
  recorder: EventRecorder;
  imageTag: string;
  healthIntervalMs: number;
  security: ProviderSecurityOptions;
}

/** lastHealthCheck alone is refreshed at most this often, to keep status writes rare. */
const HEALTH_STAMP_REFRESH_MS = 5 * 60_000;

interface Observation {
  conditions: ConditionInput[];
  status: Partial<ProviderStatus>;
}

export class ProviderReconciler implements Reconciler {
  constructor(private readonly deps: ProviderReconcilerDeps) {}

  async reconcile(request: ObjectKey, ctx: ReconcileContext): Promise<ReconcileResult | void> {
    const provider = this.deps.providers.get(request.namespace, request.name);
    if (!provider || provider.metadata.deletionTimestamp) {
      // Owner references let the garbage collector remove the generated objects.
      this.deps.gateway.forget(`${request.namespace}/${request.name}`);
      return;
    }
    const observation = await this.observe(provider, ctx);
    await this.writeStatus(provider, observation);
    return { requeueAfterMs: this.deps.healthIntervalMs };
  }

  private async observe(provider: Provider, ctx: ReconcileContext): Promise<Observation> {
    const blocked = await this.inputProblem(provider);
    if (blocked) {
      this.deps.recorder.record(provider, 'Warning', blocked.reason, blocked.message);
      return {
        conditions: [
          { type: PROVIDER_CONDITIONS.ready, status: 'False', ...blocked },
          { type: PROVIDER_CONDITIONS.available, status: 'False', ...blocked },
        ],
        status: {},
      };
    }
    const deployment = await this.applyGeneratedObjects(provider, ctx);
    const available = availability(deployment);
    const connection =
      available.status === 'True'
        ? await this.checkHypervisor(provider, ctx)
        : {
            condition: {
              status: 'Unknown' as const,
              reason: 'ProviderNotAvailable',
              message: 'no provider pod is available yet',
            },
          };
    const ready: ConditionInput =
      available.status !== 'True'
        ? {
            type: PROVIDER_CONDITIONS.ready,
            status: 'False',
            reason: available.reason,
            message: available.message,
          }
        : connection.condition.status !== 'True'
          ? {
              type: PROVIDER_CONDITIONS.ready,
              status: 'False',
              reason: connection.condition.reason,
              message: connection.condition.message,
            }
          : {
              type: PROVIDER_CONDITIONS.ready,
              status: 'True',
              reason: 'Ready',
              message: 'provider is available and connected to its hypervisor',
            };
    return {
      conditions: [
        ready,
        { type: PROVIDER_CONDITIONS.available, ...available },
        { type: PROVIDER_CONDITIONS.hypervisorConnected, ...connection.condition },
      ],
      status: {
        deploymentName: generatedName(provider.metadata.name!),
        replicas: deployment.status?.replicas ?? 0,
        readyReplicas: deployment.status?.readyReplicas ?? 0,
        ...(connection.address ? { serviceAddress: connection.address } : {}),
        ...(connection.capabilities ? { capabilities: connection.capabilities } : {}),
      },
    };
  }

  /** A problem the user must fix before anything can be deployed. */
  private async inputProblem(
    provider: Provider,
  ): Promise<{ reason: string; message: string } | undefined> {
    const image = providerImage(provider, this.deps.imageTag);
    const imageProblem = imageReferenceProblem(image);
    if (imageProblem)
      return { reason: 'InvalidImage', message: `spec.runtime.image: ${imageProblem}` };
    const violation = policyViolation(provider, this.deps.security.admission, this.deps.imageTag);
    if (violation) return { reason: 'PolicyViolation', message: violation };
    const namespace = provider.metadata.namespace!;
    const credentials = provider.spec.credentialSecretRef?.name;
    if (credentials && !(await this.secretExists(namespace, credentials))) {
      return {
        reason: 'CredentialSecretNotFound',
        message: `spec.credentialSecretRef.name: Secret "${credentials}" not found in namespace "${namespace}"; create it with the hypervisor credentials (e.g. username and password) or correct the name`,
      };
    }
    const tlsSecret = tlsSecretName(provider);
    if (this.tls(provider) && !(await this.secretExists(namespace, tlsSecret))) {
      return {
        reason: 'TLSSecretNotFound',
        message: `spec.tls.secretRef.name: Secret "${tlsSecret}" not found in namespace "${namespace}"; create it with tls.crt, tls.key and ca.crt (e.g. with a cert-manager Certificate) or set spec.tls.enabled to false`,
      };
    }
    return undefined;
  }

  private tls(provider: Provider): boolean {
    return tlsEnabled(provider, this.deps.security.tlsByDefault);
  }

  private async secretExists(namespace: string, name: string): Promise<boolean> {
    return (await this.deps.client.get(KubeResources.Secret, namespace, name)) !== undefined;
  }

  private async applyGeneratedObjects(
    provider: Provider,
    ctx: ReconcileContext,
  ): Promise<DeploymentObject> {
    const namespace = provider.metadata.namespace!;
    const secrets = await this.mountedSecretVersions(provider);
    const { security } = this.deps;
    const checksum = configChecksum({ config: providerConfig(provider, security), secrets });
    const rendered = renderProvider(provider, { imageTag: this.deps.imageTag, checksum, security });
    if (rendered.ignoredEnv.length > 0) {
      this.deps.recorder.record(
        provider,
        'Warning',
        'ReservedEnvIgnored',
        `spec.runtime.env: ${rendered.ignoredEnv.join(', ')} are set by the controller and were ignored`,
      );
    }
    const name = generatedName(provider.metadata.name!);
    const { configMaps, services, deployments } = this.deps;
    await this.apply(
      KubeResources.ConfigMap,
      rendered.configMap,
      configMaps.get(namespace, rendered.configMap.metadata.name!),
      ctx,
    );
    await this.apply(KubeResources.Service, rendered.service, services.get(namespace, name), ctx);
    if (rendered.networkPolicy) {
      const current = this.deps.networkPolicies?.get(namespace, name);
      await this.apply(KubeResources.NetworkPolicy, rendered.networkPolicy, current, ctx);
    }
    return this.apply(
      KubeResources.Deployment,
      rendered.deployment,
      deployments.get(namespace, name),
      ctx,
    );
  }

  private async mountedSecretVersions(provider: Provider) {
    const namespace = provider.metadata.namespace!;
    const names = [
      provider.spec.credentialSecretRef?.name,
      this.tls(provider) ? tlsSecretName(provider) : undefined,
    ].filter((n): n is string => !!n);
    const secrets = await Promise.all(
      names.map((n) => this.deps.client.get(KubeResources.Secret, namespace, n)),
    );
    return names.map((name, i) => ({
      name,
      uid: secrets[i]?.metadata.uid,
      resourceVersion: secrets[i]?.metadata.resourceVersion,
    }));
  }

  /** Creates the object, or replaces it when our rendering of it changed since the last write. */
  private async apply<T extends KubeObject>(
    type: ResourceType,
    desired: Manifest,
    current: T | undefined,
    ctx: ReconcileContext,
  ): Promise<T> {
    if (!current) {
      try {
        ctx.log.info({ kind: type.kind, name: desired.metadata.name }, 'creating generated object');
        return await this.deps.client.create(type, desired as T);
      } catch (err) {
        if (!isAlreadyExists(err)) throw err;
        current = await this.deps.client.get<T>(
          type,
          desired.metadata.namespace!,
          desired.metadata.name!,
        );
        if (!current) throw err;
      }
    }
    const desiredHash = desired.metadata.annotations?.[SPEC_HASH_ANNOTATION];
    if (current.metadata.annotations?.[SPEC_HASH_ANNOTATION] === desiredHash) return current;
    ctx.log.info({ kind: type.kind, name: desired.metadata.name }, 'updating generated object');
    const next: Manifest = {
      ...desired,
      metadata: {
        ...current.metadata,
        labels: { ...current.metadata.labels, ...desired.metadata.labels },
        annotations: { ...current.metadata.annotations, ...desired.metadata.annotations },
        ownerReferences: desired.metadata.ownerReferences,
      },
    };
    if (type === KubeResources.Service)
      preserveClusterIP(next as ServiceObject, current as ServiceObject);
    return this.deps.client.replace(type, next as T);
  }

  private async checkHypervisor(
    provider: Provider,
    ctx: ReconcileContext,
  ): Promise<{
    condition: Omit<ConditionInput, 'type'>;
    address?: string;
    capabilities?: string[];
  }> {
    const resolved = await this.deps.endpoints.resolve(provider);
    if (!resolved.ok) {
      return {
        condition: { status: 'Unknown', reason: resolved.reason, message: resolved.message },
      };
    }
    const { endpoint } = resolved;
    const options = { correlationId: ctx.correlationId, probe: true };
    try {
      const validation = await this.deps.gateway.call(endpoint, 'validate', {}, options);
      if (!validation.ok) {
        return {
          address: endpoint.address,
          condition: {
            status: 'False',
            reason: 'HypervisorValidationFailed',
            message:
              validation.message || 'the provider could not validate its hypervisor connection',
          },
        };
      }
      const capabilities = await this.deps.gateway.call(endpoint, 'getCapabilities', {}, options);
      return {
        address: endpoint.address,
        capabilities: capabilityNames(capabilities),
        condition: {
          status: 'True',
          reason: 'Connected',
          message: `connected to ${provider.spec.endpoint}`,
        },
      };
    } catch (err) {
      if (!isProviderCallError(err)) throw err;
      const unreachable = err.isTransport;
      return {
        address: endpoint.address,
        condition: {
          status: unreachable ? 'Unknown' : 'False',
          reason: unreachable ? 'ProviderUnreachable' : 'HypervisorValidationFailed',
          message: unreachable
            ? `provider at ${endpoint.address} is unreachable: ${err.codeName}`
            : err.message,
        },
      };
    }
  }

  private async writeStatus(provider: Provider, observation: Observation): Promise<void> {
    const generation = provider.metadata.generation;
    const current = provider.status ?? {};
    let conditions: Condition[] = current.conditions ?? [];
    for (const input of observation.conditions)
      conditions = setCondition(conditions, input, generation);
    const next: ProviderStatus = {
      ...current,
      ...observation.status,
      observedGeneration: generation,
      conditions,
    };
    const changed =
      JSON.stringify({ ...next, lastHealthCheck: undefined }) !==
      JSON.stringify({ ...current, lastHealthCheck: undefined });
    const stampAge = current.lastHealthCheck
      ? Date.now() - Date.parse(current.lastHealthCheck)
      : Infinity;
    if (!changed && stampAge < HEALTH_STAMP_REFRESH_MS) return;
    this.recordTransitions(provider, current.conditions, conditions);
    next.lastHealthCheck = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    await this.deps.client.patchStatus(
      Resources.Provider,
      provider.metadata.namespace!,
      provider.metadata.name!,
      {
        status: next,
      },
    );
  }

  private recordTransitions(
    provider: Provider,
    before: Condition[] | undefined,
    after: Condition[],
  ) {
    const ready = after.find((c) => c.type === PROVIDER_CONDITIONS.ready);
    const previous = before?.find((c) => c.type === PROVIDER_CONDITIONS.ready);
    if (!ready || previous?.status === ready.status) return;
    this.deps.recorder.record(
      provider,
      ready.status === 'True' ? 'Normal' : 'Warning',
      ready.status === 'True' ? 'ProviderReady' : ready.reason,
      ready.message,
    );
  }
}

function availability(deployment: DeploymentObject): Omit<ConditionInput, 'type'> {
  const available = deployment.status?.availableReplicas ?? deployment.status?.readyReplicas ?? 0;
  return available > 0
    ? {
        status: 'True',
        reason: 'MinimumReplicasAvailable',
        message: `${available} provider pod(s) available`,
      }
    : {
        status: 'False',
        reason: 'NoReplicasAvailable',
        message: `Deployment ${deployment.metadata.name} has no available pod yet`,
      };
}

function preserveClusterIP(next: ServiceObject, current: ServiceObject): void {
  next.spec = {
    ...next.spec,
    clusterIP: current.spec?.clusterIP,
    clusterIPs: current.spec?.clusterIPs,
  };
}

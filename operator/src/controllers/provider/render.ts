// Provider → Deployment, Service and ConfigMap, exactly as the seed's "Configuration Flow"
// describes: the arguments, environment, credential mount and labels of its tables, plus replicas,
// resources, scheduling, probes and the pod security the seed requires. Pure functions: the
// reconciler decides when to write, tests assert every field.
import { createHash } from 'node:crypto';
import type { Provider } from '@virtrigaud/api';
import type { Manifest } from '@virtrigaud/kube';
import { controllerReference } from '../owner-reference';
import { networkPolicySpec } from './network-policy';
import type { ProviderSecurityOptions } from './security-options';
import {
  DEFAULT_GRPC_PORT,
  GRPC_PORT_NAME,
  LABEL_COMPONENT,
  LABEL_INSTANCE,
  LABEL_MANAGED_BY,
  LABEL_NAME,
  MANAGED_BY,
  METRICS_PORT,
  METRICS_PORT_NAME,
  PROVIDER_APP_NAME,
  configMapName,
  generatedName,
} from '@virtrigaud/api';
import {
  CHECKSUM_ANNOTATION,
  CONFIG_DIR,
  CONFIG_FILE,
  CREDENTIALS_DIR,
  DEFAULT_IMAGE_REPOSITORY,
  NONROOT_UID,
  SPEC_HASH_ANNOTATION,
  TLS_DIR,
} from './pod-settings';

/** Environment variables the controller owns; spec.runtime.env cannot override them. */
export const RESERVED_ENV = [
  'PROVIDER_TYPE',
  'PROVIDER_ENDPOINT',
  'PROVIDER_NAMESPACE',
  'PROVIDER_NAME',
  'TLS_ENABLED',
  'RATE_LIMIT_QPS',
  'RATE_LIMIT_BURST',
  'PROVIDER_REPLICAS',
] as const;

export interface RenderOptions {
  /** Tag of the default provider image (the operator's release). */
  imageTag: string;
  /** Checksum of config + referenced Secrets (see configChecksum). */
  checksum: string;
  /** TLS default, manager identity and NetworkPolicy; the seed's behaviour when absent. */
  security?: Pick<ProviderSecurityOptions, 'tlsByDefault' | 'managerIdentities' | 'networkPolicy'>;
}

export interface RenderedProvider {
  configMap: Manifest;
  deployment: Manifest;
  service: Manifest;
  /** Present when the manager generates NetworkPolicies. */
  networkPolicy?: Manifest;
  /** spec.runtime.env entries dropped because they collide with RESERVED_ENV. */
  ignoredEnv: string[];
}

export function grpcPort(provider: Provider): number {
  return provider.spec.runtime?.service?.port ?? DEFAULT_GRPC_PORT;
}

/** spec.tls.enabled, else the manager's default (off in the seed). */
export function tlsEnabled(provider: Provider, byDefault = false): boolean {
  return provider.spec.tls?.enabled ?? byDefault;
}

/** The Secret with the provider's tls.crt, tls.key and ca.crt. */
export function tlsSecretName(provider: Provider): string {
  return provider.spec.tls?.secretRef?.name ?? `${generatedName(provider.metadata.name!)}-tls`;
}

export function providerImage(provider: Provider, imageTag: string): string {
  return (
    provider.spec.runtime?.image ??
    `${DEFAULT_IMAGE_REPOSITORY}/provider-${provider.spec.type}:${imageTag}`
  );
}

export function selectorLabels(provider: Provider): Record<string, string> {
  return { [LABEL_NAME]: PROVIDER_APP_NAME, [LABEL_INSTANCE]: provider.metadata.name! };
}

function objectLabels(provider: Provider): Record<string, string> {
  return {
    ...selectorLabels(provider),
    [LABEL_MANAGED_BY]: MANAGED_BY,
    [LABEL_COMPONENT]: 'provider',
  };
}

/**
 * The provider configuration file (provider.json) the runtime reads from CONFIG_DIR. Under TLS it
 * names the client identities the provider admits: the manager's, never a provider's.
 */
export function providerConfig(
  provider: Provider,
  security: Partial<NonNullable<RenderOptions['security']>> = {},
): Record<string, unknown> {
  const { defaults, endpointTLS, rateLimit } = provider.spec;
  return {
    defaults: defaults ?? {},
    endpointTLS: endpointTLS ?? {},
    rateLimit: { qps: rateLimit?.qps ?? 10, burst: rateLimit?.burst ?? 20 },
    ...(tlsEnabled(provider, security.tlsByDefault)
      ? { tls: { allowedClients: security.managerIdentities ?? [] } }
      : {}),
  };
}

export interface ChecksumInput {
  config: Record<string, unknown>;
  /** Identity of the Secrets the pod mounts: uid + resourceVersion, never their contents. */
  secrets: { name: string; uid?: string; resourceVersion?: string }[];
}

/**
 * Changes whenever the config or a mounted Secret changes, so the pods restart and read the new
 * files. Secret *versions* are hashed rather than their data: no function of a credential ever
 * leaves the Secret.
 */
export function configChecksum(input: ChecksumInput): string {
  return sha256(JSON.stringify(input));
}

export function args(provider: Provider, tls: boolean): string[] {
  return [
    `--grpc-addr=:${grpcPort(provider)}`,
    `--metrics-addr=:${METRICS_PORT}`,
    `--provider-type=${provider.spec.type}`,
    `--provider-endpoint=${provider.spec.endpoint}`,
    `--tls-enabled=${tls}`,
  ];
}

export function env(
  provider: Provider,
  tls: boolean,
): { env: Record<string, unknown>[]; ignored: string[] } {
  const rateLimit = providerConfig(provider).rateLimit as { qps: number; burst: number };
  const replicas = provider.spec.runtime?.replicas ?? 1;
  const owned = [
    { name: 'PROVIDER_TYPE', value: provider.spec.type },
    { name: 'PROVIDER_ENDPOINT', value: provider.spec.endpoint },
    { name: 'PROVIDER_NAMESPACE', value: provider.metadata.namespace! },
    { name: 'PROVIDER_NAME', value: provider.metadata.name! },
    { name: 'TLS_ENABLED', value: String(tls) },
    { name: 'RATE_LIMIT_QPS', value: String(rateLimit.qps) },
    { name: 'RATE_LIMIT_BURST', value: String(rateLimit.burst) },
    // The rate limit is the Provider's: each replica takes its share of it (provider-sdk).
    ...(replicas > 1 ? [{ name: 'PROVIDER_REPLICAS', value: String(replicas) }] : []),
  ];
  const reserved = new Set<string>(RESERVED_ENV);
  const user = provider.spec.runtime?.env ?? [];
  return {
    env: [...owned, ...user.filter((e) => !reserved.has(e.name))],
    ignored: user.filter((e) => reserved.has(e.name)).map((e) => e.name),
  };
}

function volumes(provider: Provider, tls: boolean) {
  const mounts: Record<string, unknown>[] = [];
  const vols: Record<string, unknown>[] = [];
  const secretRef = provider.spec.credentialSecretRef;
  if (secretRef) {
    vols.push({ name: 'credentials', secret: { secretName: secretRef.name, defaultMode: 0o440 } });
    mounts.push({ name: 'credentials', mountPath: CREDENTIALS_DIR, readOnly: true });
  }
  vols.push({
    name: 'config',
    configMap: { name: configMapName(provider.metadata.name!), defaultMode: 0o444 },
  });
  mounts.push({ name: 'config', mountPath: CONFIG_DIR, readOnly: true });
  if (tls) {
    vols.push({ name: 'tls', secret: { secretName: tlsSecretName(provider), defaultMode: 0o440 } });
    mounts.push({ name: 'tls', mountPath: TLS_DIR, readOnly: true });
  }
  // A writable scratch directory, because the root filesystem is read-only.
  vols.push({ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } });
  mounts.push({ name: 'tmp', mountPath: '/tmp' });
  return { volumes: vols, volumeMounts: mounts };
}

/**
 * Readiness is the standard gRPC health check of the provider service (SERVING only while the
 * hypervisor answers); kubelet gRPC probes cannot speak TLS, so with TLS the runtime's HTTP
 * /readyz on the metrics port is used instead. Liveness is HTTP /healthz on the metrics port: it
 * proves the process works without restarting pods just because the hypervisor is down.
 */
function probes(provider: Provider, tls: boolean) {
  const readinessHandler = tls
    ? { httpGet: { path: '/readyz', port: METRICS_PORT_NAME } }
    : { grpc: { port: grpcPort(provider), service: 'provider.v1.Provider' } };
  return {
    livenessProbe: {
      httpGet: { path: '/healthz', port: METRICS_PORT_NAME },
      initialDelaySeconds: 10,
      periodSeconds: 20,
      timeoutSeconds: 5,
      failureThreshold: 3,
    },
    readinessProbe: {
      ...readinessHandler,
      initialDelaySeconds: 2,
      periodSeconds: 10,
      timeoutSeconds: 5,
      failureThreshold: 3,
    },
  };
}

export const POD_SECURITY_CONTEXT = {
  runAsNonRoot: true,
  runAsUser: NONROOT_UID,
  runAsGroup: NONROOT_UID,
  fsGroup: NONROOT_UID,
  seccompProfile: { type: 'RuntimeDefault' },
};

export const CONTAINER_SECURITY_CONTEXT = {
  runAsNonRoot: true,
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  privileged: false,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};

export function renderProvider(provider: Provider, options: RenderOptions): RenderedProvider {
  const name = generatedName(provider.metadata.name!);
  const namespace = provider.metadata.namespace!;
  const runtime = provider.spec.runtime ?? {};
  const labels = objectLabels(provider);
  const tls = tlsEnabled(provider, options.security?.tlsByDefault);
  const { env: containerEnv, ignored } = env(provider, tls);
  const { volumes: podVolumes, volumeMounts } = volumes(provider, tls);
  const podSpec = dropUndefined({
    // Providers never call the Kubernetes API; a token is mounted only if the user asks for a
    // ServiceAccount (for their own sidecars or workload identity).
    automountServiceAccountToken: runtime.serviceAccountName !== undefined,
    serviceAccountName: runtime.serviceAccountName,
    securityContext: POD_SECURITY_CONTEXT,
    affinity: runtime.affinity,
    nodeSelector: runtime.nodeSelector,
    tolerations: runtime.tolerations,
    imagePullSecrets: runtime.imagePullSecrets,
    terminationGracePeriodSeconds: 30,
    containers: [
      dropUndefined({
        name: 'provider',
        image: providerImage(provider, options.imageTag),
        imagePullPolicy: runtime.imagePullPolicy,
        args: args(provider, tls),
        env: containerEnv,
        ports: [
          { name: GRPC_PORT_NAME, containerPort: grpcPort(provider), protocol: 'TCP' },
          { name: METRICS_PORT_NAME, containerPort: METRICS_PORT, protocol: 'TCP' },
        ],
        resources: runtime.resources ?? {},
        volumeMounts,
        securityContext: CONTAINER_SECURITY_CONTEXT,
        ...probes(provider, tls),
      }),
    ],
    volumes: podVolumes,
  });
  const ownerReferences = [controllerReference(provider, 'Provider')];
  const deployment = withSpecHash({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, labels, ownerReferences },
    spec: {
      replicas: runtime.replicas ?? 1,
      selector: { matchLabels: selectorLabels(provider) },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: { labels, annotations: { [CHECKSUM_ANNOTATION]: options.checksum } },
        spec: podSpec,
      },
    },
  });
  const service = withSpecHash({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace, labels, ownerReferences },
    spec: {
      type: 'ClusterIP',
      selector: selectorLabels(provider),
      ports: [
        {
          name: GRPC_PORT_NAME,
          port: grpcPort(provider),
          targetPort: GRPC_PORT_NAME,
          protocol: 'TCP',
          appProtocol: 'grpc',
        },
        {
          name: METRICS_PORT_NAME,
          port: METRICS_PORT,
          targetPort: METRICS_PORT_NAME,
          protocol: 'TCP',
        },
      ],
    },
  });
  const configMap = withSpecHash({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: configMapName(provider.metadata.name!),
      namespace,
      labels,
      ownerReferences,
    },
    data: {
      [CONFIG_FILE]: JSON.stringify(providerConfig(provider, options.security), null, 2),
    },
  });
  const policyOptions = options.security?.networkPolicy;
  const networkPolicy = policyOptions
    ? withSpecHash({
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name, namespace, labels, ownerReferences },
        spec: networkPolicySpec(selectorLabels(provider), grpcPort(provider), policyOptions),
      })
    : undefined;
  return {
    configMap,
    deployment,
    service,
    ...(networkPolicy ? { networkPolicy } : {}),
    ignoredEnv: ignored,
  };
}

function withSpecHash(obj: Manifest): Manifest {
  const { metadata, ...content } = obj;
  const hash = sha256(JSON.stringify({ content, labels: metadata.labels })).slice(0, 16);
  return { ...obj, metadata: { ...metadata, annotations: { [SPEC_HASH_ANNOTATION]: hash } } };
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function dropUndefined<T extends Record<string, unknown>>(obj: T): T {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as T;
}

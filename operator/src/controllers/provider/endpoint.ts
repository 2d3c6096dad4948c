// Where the manager reaches a Provider: the generated Service, resolved through the configured
// ServiceAddressResolver, plus the TLS material when the Provider serves gRPC over TLS: the CA
// from the Provider's TLS Secret (to verify the provider) and the manager's own client identity
// (never the provider's certificate, which would make the manager indistinguishable from it).
import {
  type Informer,
  type KubeClient,
  type KubeObject,
  KubeResources,
  type ServiceAddressResolver,
  type ServiceLike,
} from '@virtrigaud/kube';
import { GRPC_PORT_NAME, generatedName } from '@virtrigaud/api';
import type { Provider } from '@virtrigaud/api';
import type { ClientIdentityMaterial } from '../../grpc/client-identity';
import type { ProviderEndpoint, TlsMaterial } from '../../grpc/provider-gateway';
import { tlsEnabled, tlsSecretName } from './render';

export type EndpointResult =
  { ok: true; endpoint: ProviderEndpoint } | { ok: false; reason: string; message: string };

type SecretObject = KubeObject & { data?: Record<string, string> };

const TLS_CACHE_MS = 60_000;

export class ProviderEndpoints {
  private readonly caCache = new Map<string, { at: number; ca: Buffer | undefined }>();

  constructor(
    private readonly client: KubeClient,
    private readonly services: Informer<ServiceLike>,
    private readonly resolver: ServiceAddressResolver,
    private readonly tls: {
      byDefault: boolean;
      /** The manager's client certificate; undefined when it has none. */
      identity?: () => ClientIdentityMaterial;
    } = { byDefault: false },
  ) {}

  async resolve(provider: Provider): Promise<EndpointResult> {
    const namespace = provider.metadata.namespace!;
    const serviceName = generatedName(provider.metadata.name!);
    const service = this.services.get(namespace, serviceName);
    if (!service) {
      return {
        ok: false,
        reason: 'ServiceNotReady',
        message: `Service ${serviceName} does not exist yet`,
      };
    }
    const address = this.resolver.resolve(service, GRPC_PORT_NAME);
    if (!address) {
      return {
        ok: false,
        reason: 'ServiceNotReady',
        message: `Service ${serviceName} has no reachable address yet`,
      };
    }
    const replicas = this.resolver.replicas?.(service, GRPC_PORT_NAME);
    if (replicas?.length === 0) {
      return {
        ok: false,
        reason: 'ServiceNotReady',
        message: `Service ${serviceName} has no ready endpoints yet`,
      };
    }
    const endpoint: ProviderEndpoint = {
      key: `${namespace}/${provider.metadata.name}`,
      address,
      replicas,
    };
    if (!tlsEnabled(provider, this.tls.byDefault)) return { ok: true, endpoint };
    if (!this.tls.identity) {
      return {
        ok: false,
        reason: 'ManagerIdentityMissing',
        message:
          'the Provider serves mutual TLS but the manager has no client certificate (--grpc-client-cert, --grpc-client-key)',
      };
    }
    const secretName = tlsSecretName(provider);
    const ca = await this.providerCa(namespace, secretName);
    if (!ca) {
      return {
        ok: false,
        reason: 'TLSSecretNotFound',
        message: `spec.tls.secretRef.name: Secret "${secretName}" with ca.crt, tls.crt and tls.key not found in namespace "${namespace}"`,
      };
    }
    const tls: TlsMaterial = {
      ca,
      ...this.tls.identity(),
      serverName: `${serviceName}.${namespace}.svc`,
    };
    return { ok: true, endpoint: { ...endpoint, tls } };
  }

  /** ca.crt of the Provider's TLS Secret, which verifies the provider's certificate. */
  private async providerCa(namespace: string, secretName: string): Promise<Buffer | undefined> {
    const cacheKey = `${namespace}/${secretName}`;
    const cached = this.caCache.get(cacheKey);
    if (cached && Date.now() - cached.at < TLS_CACHE_MS) return cached.ca;
    const secret = await this.client.get<SecretObject>(KubeResources.Secret, namespace, secretName);
    const encoded = secret?.data?.['ca.crt'];
    const ca = encoded ? Buffer.from(encoded, 'base64') : undefined;
    this.caCache.set(cacheKey, { at: Date.now(), ca });
    return ca;
  }
}

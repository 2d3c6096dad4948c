// Where the manager reaches a Provider: the generated Service, resolved through the configured
// ServiceAddressResolver, plus the TLS material when the Provider serves gRPC over TLS.
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
import type { ProviderEndpoint, TlsMaterial } from '../../grpc/provider-gateway';
import { tlsEnabled } from './render';

export type EndpointResult =
  { ok: true; endpoint: ProviderEndpoint } | { ok: false; reason: string; message: string };

type SecretObject = KubeObject & { data?: Record<string, string> };

const TLS_CACHE_MS = 60_000;

export class ProviderEndpoints {
  private readonly tlsCache = new Map<string, { at: number; material: TlsMaterial | undefined }>();

  constructor(
    private readonly client: KubeClient,
    private readonly services: Informer<ServiceLike>,
    private readonly resolver: ServiceAddressResolver,
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
    if (!tlsEnabled(provider)) return { ok: true, endpoint };
    const secretName = provider.spec.tls?.secretRef?.name;
    const tls = secretName ? await this.tlsMaterial(namespace, secretName, serviceName) : undefined;
    if (!tls) {
      return {
        ok: false,
        reason: 'TLSSecretNotFound',
        message: `spec.tls.secretRef.name: Secret "${secretName}" with ca.crt, tls.crt and tls.key not found in namespace "${namespace}"`,
      };
    }
    return { ok: true, endpoint: { ...endpoint, tls } };
  }

  private async tlsMaterial(
    namespace: string,
    secretName: string,
    serviceName: string,
  ): Promise<TlsMaterial | undefined> {
    const cacheKey = `${namespace}/${secretName}`;
    const cached = this.tlsCache.get(cacheKey);
    if (cached && Date.now() - cached.at < TLS_CACHE_MS) return cached.material;
    const secret = await this.client.get<SecretObject>(KubeResources.Secret, namespace, secretName);
    const data = secret?.data ?? {};
    const decode = (key: string) => (data[key] ? Buffer.from(data[key], 'base64') : undefined);
    const ca = decode('ca.crt');
    const material = ca
      ? {
          ca,
          cert: decode('tls.crt'),
          key: decode('tls.key'),
          serverName: `${serviceName}.${namespace}.svc`,
        }
      : undefined;
    this.tlsCache.set(cacheKey, { at: Date.now(), material });
    return material;
  }
}

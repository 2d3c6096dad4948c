// The one seam that turns a provider Service into the address the manager dials. In a cluster it
// is the Service's DNS name; on the devcluster (no cluster DNS) it is the loopback proxy the dev
// kubelet publishes in an annotation. Controllers never know which one is in use.
import type { KubeObject } from '../kube/types';

export interface ServiceLike extends KubeObject {
  spec?: { ports?: { name?: string; port: number }[]; clusterIP?: string; clusterIPs?: string[] };
}

export interface ServiceAddressResolver {
  /** host:port for the named port of the Service, or undefined when it cannot be reached yet. */
  resolve(service: ServiceLike, portName: string): string | undefined;
}

export const DEVCLUSTER_ADDRESSES_ANNOTATION = 'devcluster.virtrigaud.io/addresses';

function portNumber(service: ServiceLike, portName: string): number | undefined {
  return service.spec?.ports?.find((p) => p.name === portName)?.port;
}

/** `<service>.<namespace>.svc:<port>`: what kube-dns/CoreDNS answers inside the cluster. */
export class ClusterDnsResolver implements ServiceAddressResolver {
  constructor(private readonly clusterDomain = '') {}

  resolve(service: ServiceLike, portName: string): string | undefined {
    const port = portNumber(service, portName);
    if (port === undefined) return undefined;
    const suffix = this.clusterDomain ? `.${this.clusterDomain}` : '';
    return `${service.metadata.name}.${service.metadata.namespace}.svc${suffix}:${port}`;
  }
}

/** Reads the devcluster's published loopback address map ({"grpc": "127.0.0.1:p", "9090": ...}). */
export class DevclusterAnnotationResolver implements ServiceAddressResolver {
  resolve(service: ServiceLike, portName: string): string | undefined {
    const raw = service.metadata.annotations?.[DEVCLUSTER_ADDRESSES_ANNOTATION];
    if (!raw) return undefined;
    let addresses: Record<string, string>;
    try {
      addresses = JSON.parse(raw) as Record<string, string>;
    } catch {
      return undefined;
    }
    const port = portNumber(service, portName);
    return addresses[portName] ?? (port !== undefined ? addresses[String(port)] : undefined);
  }
}

export const SERVICE_ADDRESS_SOURCES = ['cluster-dns', 'devcluster-annotation'] as const;
export type ServiceAddressSource = (typeof SERVICE_ADDRESS_SOURCES)[number];

export function createResolver(source: ServiceAddressSource): ServiceAddressResolver {
  return source === 'devcluster-annotation'
    ? new DevclusterAnnotationResolver()
    : new ClusterDnsResolver();
}

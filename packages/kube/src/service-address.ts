// The one seam that turns a provider Service into the addresses the manager dials. In a cluster it
// is the Service's DNS name or, to balance calls over the replicas, the ready endpoints of its
// EndpointSlices; on the devcluster (no cluster DNS) the loopback proxy the dev kubelet publishes
// in an annotation, or again the EndpointSlices (they carry each pod's own loopback port).
// Controllers never know which one is in use.
import type { KubeObject } from './types';

export interface ServiceLike extends KubeObject {
  spec?: { ports?: { name?: string; port: number }[]; clusterIP?: string; clusterIPs?: string[] };
}

export interface EndpointSliceLike extends KubeObject {
  endpoints?: { addresses: string[]; conditions?: { ready?: boolean | null } }[];
  ports?: { name?: string; port?: number }[];
}

export interface ServiceAddressResolver {
  /** host:port for the named port of the Service, or undefined when it cannot be reached yet. */
  resolve(service: ServiceLike, portName: string): string | undefined;
  /**
   * The ready replicas' host:port the manager balances over itself. Absent: the manager dials
   * `resolve()` and whatever sits behind it (kube-proxy, the devcluster proxy) picks a replica per
   * connection — which, with one long-lived HTTP/2 connection, means one replica for every call.
   */
  replicas?(service: ServiceLike, portName: string): string[];
}

export const DEVCLUSTER_ADDRESSES_ANNOTATION = 'devcluster.virtrigaud.io/addresses';
/** Label the EndpointSlice controller puts on every slice of a Service. */
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

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

/**
 * The Service's ready endpoints from its EndpointSlices (what kube-proxy itself balances over),
 * at the named port. The Service address itself stays the cluster DNS name (shown in status).
 */
export class EndpointSliceResolver implements ServiceAddressResolver {
  private readonly serviceAddress = new ClusterDnsResolver();

  constructor(
    /** The slices of a Service, by `<namespace>/<service name>`. */
    private readonly slicesOf: (serviceKey: string) => EndpointSliceLike[],
  ) {}

  resolve(service: ServiceLike, portName: string): string | undefined {
    return this.serviceAddress.resolve(service, portName);
  }

  replicas(service: ServiceLike, portName: string): string[] {
    const key = `${service.metadata.namespace}/${service.metadata.name}`;
    const addresses = new Set<string>();
    for (const slice of this.slicesOf(key)) {
      const port = slice.ports?.find((p) => (p.name ?? '') === portName)?.port;
      if (port === undefined) continue;
      for (const endpoint of slice.endpoints ?? []) {
        // Kubernetes: a null/absent ready condition means ready.
        if (endpoint.conditions?.ready === false) continue;
        for (const ip of endpoint.addresses) addresses.add(hostPort(ip, port));
      }
    }
    return [...addresses].sort();
  }
}

function hostPort(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

export const SERVICE_ADDRESS_SOURCES = [
  'endpoint-slices',
  'cluster-dns',
  'devcluster-annotation',
] as const;
export type ServiceAddressSource = (typeof SERVICE_ADDRESS_SOURCES)[number];

export function createResolver(
  source: ServiceAddressSource,
  slicesOf: (serviceKey: string) => EndpointSliceLike[] = () => [],
): ServiceAddressResolver {
  switch (source) {
    case 'endpoint-slices':
      return new EndpointSliceResolver(slicesOf);
    case 'devcluster-annotation':
      return new DevclusterAnnotationResolver();
    case 'cluster-dns':
      return new ClusterDnsResolver();
  }
}

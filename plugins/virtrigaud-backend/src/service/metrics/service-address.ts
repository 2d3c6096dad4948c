// The one seam that turns a provider's Service into the address the backend scrapes: the
// devcluster's published loopback address when present (local runs), the cluster DNS name
// otherwise (Backstage running in the cluster). The same resolvers the operator uses for gRPC (@virtrigaud/kube).
import {
  ClusterDnsResolver,
  DevclusterAnnotationResolver,
  type ServiceAddressResolver,
  type ServiceLike,
} from '@virtrigaud/kube';

const resolvers: ServiceAddressResolver[] = [
  new DevclusterAnnotationResolver(),
  new ClusterDnsResolver(),
];

export function resolveServiceAddress(service: ServiceLike, portName: string): string | undefined {
  for (const resolver of resolvers) {
    const address = resolver.resolve(service, portName);
    if (address) return address;
  }
  return undefined;
}

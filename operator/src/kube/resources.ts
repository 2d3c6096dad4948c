// The API resources the manager reads and writes, as group/version/plural. One table so that the
// REST paths, the informers and the RBAC manifests agree.
import { GROUP, VERSION } from '@virtrigaud/api';

export interface ResourceType {
  group: string;
  version: string;
  plural: string;
  kind: string;
  namespaced: boolean;
}

function crd(kind: string, plural: string): ResourceType {
  return { group: GROUP, version: VERSION, plural, kind, namespaced: true };
}

export const Resources = {
  Provider: crd('Provider', 'providers'),
  VirtualMachine: crd('VirtualMachine', 'virtualmachines'),
  VMClass: crd('VMClass', 'vmclasses'),
  VMImage: crd('VMImage', 'vmimages'),
  VMNetworkAttachment: crd('VMNetworkAttachment', 'vmnetworkattachments'),
  VMSnapshot: crd('VMSnapshot', 'vmsnapshots'),
  VMClone: crd('VMClone', 'vmclones'),
  VMSet: crd('VMSet', 'vmsets'),
  Deployment: {
    group: 'apps',
    version: 'v1',
    plural: 'deployments',
    kind: 'Deployment',
    namespaced: true,
  },
  Service: { group: '', version: 'v1', plural: 'services', kind: 'Service', namespaced: true },
  ConfigMap: {
    group: '',
    version: 'v1',
    plural: 'configmaps',
    kind: 'ConfigMap',
    namespaced: true,
  },
  Secret: { group: '', version: 'v1', plural: 'secrets', kind: 'Secret', namespaced: true },
  Event: { group: '', version: 'v1', plural: 'events', kind: 'Event', namespaced: true },
  EndpointSlice: {
    group: 'discovery.k8s.io',
    version: 'v1',
    plural: 'endpointslices',
    kind: 'EndpointSlice',
    namespaced: true,
  },
  NetworkPolicy: {
    group: 'networking.k8s.io',
    version: 'v1',
    plural: 'networkpolicies',
    kind: 'NetworkPolicy',
    namespaced: true,
  },
  Lease: {
    group: 'coordination.k8s.io',
    version: 'v1',
    plural: 'leases',
    kind: 'Lease',
    namespaced: true,
  },
} as const satisfies Record<string, ResourceType>;

export function apiVersionOf(type: ResourceType): string {
  return type.group ? `${type.group}/${type.version}` : type.version;
}

/** REST path of a collection or object: /api/v1/namespaces/ns/services/name/status. */
export function resourcePath(
  type: ResourceType,
  namespace?: string,
  name?: string,
  subresource?: string,
): string {
  const base = type.group ? `/apis/${type.group}/${type.version}` : `/api/${type.version}`;
  const ns = type.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  const object = name ? `/${encodeURIComponent(name)}` : '';
  const sub = name && subresource ? `/${subresource}` : '';
  return `${base}${ns}/${type.plural}${object}${sub}`;
}

// URL paths of the Kubernetes API: /api/v1/..., /apis/<group>/<version>/...,
// [namespaces/<ns>/]<resource>[/<name>[/<subresource>]].

export interface ResourceRoute {
  group: string;
  version: string;
  resource: string;
  namespace?: string;
  name?: string;
  subresource?: string;
}

export type Route =
  | { kind: 'resource'; route: ResourceRoute }
  | { kind: 'groupVersion'; group: string; version: string }
  | { kind: 'group'; group: string }
  | { kind: 'apis' }
  | { kind: 'api' }
  | { kind: 'other'; path: string };

/** Namespace subresources, which look like a namespaced path with no name. */
const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

export function parseRoute(pathname: string): Route {
  const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === 'api') {
    if (parts.length === 1) return { kind: 'api' };
    [group, version, rest] = ['', parts[1], parts.slice(2)];
  } else if (parts[0] === 'apis') {
    if (parts.length === 1) return { kind: 'apis' };
    if (parts.length === 2) return { kind: 'group', group: parts[1] };
    [group, version, rest] = [parts[1], parts[2], parts.slice(3)];
  } else return { kind: 'other', path: pathname };
  if (rest.length === 0) return { kind: 'groupVersion', group, version };
  if (
    rest[0] === 'namespaces' &&
    rest.length >= 3 &&
    !(rest.length === 3 && NAMESPACE_SUBRESOURCES.has(rest[2]))
  ) {
    const [, namespace, resource, name, subresource] = rest;
    return { kind: 'resource', route: { group, version, namespace, resource, name, subresource } };
  }
  const [resource, name, subresource] = rest;
  return { kind: 'resource', route: { group, version, resource, name, subresource } };
}

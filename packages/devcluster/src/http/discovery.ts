// Discovery documents (/api, /apis, /apis/<g>, /apis/<g>/<v>, /version) built from the registry,
// so CRDs appear as soon as they are established.
import type { Registry } from '../api/registry';
import type { ResourceType } from '../api/resource-type';

const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

/** Kubernetes version priority: GA before beta before alpha, higher numbers first. */
export function compareVersions(a: string, b: string): number {
  const parse = (v: string) => {
    const match = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!match) return [0, 0, 0];
    return [
      match[2] === undefined ? 3 : match[2] === 'beta' ? 2 : 1,
      Number(match[1]),
      Number(match[3] ?? 0),
    ];
  };
  const [x, y] = [parse(a), parse(b)];
  return y[0] - x[0] || y[1] - x[1] || y[2] - x[2] || a.localeCompare(b);
}

function groups(registry: Registry): Map<string, string[]> {
  const result = new Map<string, string[]>();
  for (const type of registry.all()) {
    if (!type.group) continue;
    const versions = result.get(type.group) ?? [];
    if (!versions.includes(type.version)) versions.push(type.version);
    result.set(type.group, versions.sort(compareVersions));
  }
  return result;
}

function apiGroup(name: string, versions: string[]) {
  const entries = versions.map((version) => ({ groupVersion: `${name}/${version}`, version }));
  return { name, versions: entries, preferredVersion: entries[0] };
}

export function apiVersions(serverAddress: string) {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

export function apiGroupList(registry: Registry) {
  const all = [...groups(registry)].sort(([a], [b]) => a.localeCompare(b));
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: all.map(([name, versions]) => apiGroup(name, versions)),
  };
}

export function apiGroupDocument(registry: Registry, group: string) {
  const versions = groups(registry).get(group);
  return versions
    ? { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(group, versions) }
    : undefined;
}

function resourceEntries(type: ResourceType) {
  const base = { namespaced: type.namespaced, kind: type.kind };
  const entries: Record<string, unknown>[] = [
    {
      name: type.resource,
      singularName: type.singular,
      ...base,
      verbs: VERBS,
      ...(type.shortNames.length ? { shortNames: type.shortNames } : {}),
      ...(type.categories.length ? { categories: type.categories } : {}),
    },
  ];
  if (type.statusSubresource)
    entries.push({
      name: `${type.resource}/status`,
      singularName: '',
      ...base,
      verbs: ['get', 'patch', 'update'],
    });
  if (type.scale)
    entries.push({
      name: `${type.resource}/scale`,
      singularName: '',
      namespaced: type.namespaced,
      group: 'autoscaling',
      version: 'v1',
      kind: 'Scale',
      verbs: ['get', 'patch', 'update'],
    });
  if (type.storageKey === '/pods')
    entries.push({ name: 'pods/log', singularName: '', ...base, kind: 'Pod', verbs: ['get'] });
  return entries;
}

export function apiResourceList(registry: Registry, group: string, version: string) {
  const types = registry.inGroupVersion(group, version);
  if (types.length === 0) return undefined;
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group ? `${group}/${version}` : version,
    resources: types.sort((a, b) => a.resource.localeCompare(b.resource)).flatMap(resourceEntries),
  };
}

export const VERSION_INFO = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0-devcluster',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2026-01-01T00:00:00Z',
  goVersion: 'go1.23.0',
  compiler: 'gc',
  platform: 'linux/amd64',
};

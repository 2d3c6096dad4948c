// Filtering, sorting and paging of the cached VM summaries for GET /vms. Everything runs on the
// in-memory summaries: no Kubernetes API call per request.
import type {
  ListResponse,
  ListVmsQuery,
  VmSortField,
  VmSummary,
} from '@virtrigaud/plugin-virtrigaud-common';

export const DEFAULT_LIMIT = 50;

function matches(vm: VmSummary, query: ListVmsQuery, search: string | undefined): boolean {
  if (query.cluster && vm.cluster !== query.cluster) return false;
  if (query.namespace && vm.namespace !== query.namespace) return false;
  if (query.provider && vm.provider !== query.provider) return false;
  if (query.phase && vm.phase !== query.phase) return false;
  if (query.owner && vm.owner !== query.owner) return false;
  if (search) {
    const haystack = [vm.name, vm.namespace, vm.className, vm.imageName, vm.provider, ...vm.ips];
    if (!haystack.some((text) => text.toLowerCase().includes(search))) return false;
  }
  return true;
}

function sortKey(vm: VmSummary, field: VmSortField): string {
  switch (field) {
    case 'namespace':
      return `${vm.namespace}/${vm.name}`;
    case 'phase':
      return vm.phase ?? '';
    case 'provider':
      return vm.provider;
    case 'createdAt':
      return vm.createdAt ?? '';
    default:
      return vm.name;
  }
}

export function queryVms(
  vms: Iterable<VmSummary>,
  query: ListVmsQuery,
  allowed: (vm: VmSummary) => boolean,
): ListResponse<VmSummary> {
  const search = query.search?.toLowerCase() || undefined;
  const selected: VmSummary[] = [];
  for (const vm of vms) {
    if (matches(vm, query, search) && allowed(vm)) selected.push(vm);
  }
  const field = query.sort ?? 'name';
  const direction = query.order === 'desc' ? -1 : 1;
  // The object key breaks ties, so pages are stable across requests.
  const keyed = selected.map((vm) => ({
    vm,
    key: `${sortKey(vm, field)}\u0000${vm.cluster}/${vm.namespace}/${vm.name}`,
  }));
  keyed.sort((a, b) => direction * (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const offset = query.offset ?? 0;
  const limit = query.limit ?? DEFAULT_LIMIT;
  return {
    items: keyed.slice(offset, offset + limit).map((entry) => entry.vm),
    totalCount: selected.length,
    offset,
    limit,
  };
}

// The list page's filters live in the URL (`?provider=…&phase=…&page=2`), so a filtered view can
// be bookmarked and shared, and the back button undoes a filter change.
import type { ListVmsQuery, VmPhase } from '@virtrigaud/plugin-virtrigaud-common';
import { VM_PHASES } from '@virtrigaud/api';

export const PAGE_SIZES = [25, 50, 100] as const;
const DEFAULT_PAGE_SIZE = 25;

export interface VmListFilters {
  provider: string;
  phase: VmPhase | '';
  owner: string;
  namespace: string;
  search: string;
  /** Zero-based page index. */
  page: number;
  pageSize: number;
}

export const TEXT_FILTERS = ['owner', 'namespace', 'search'] as const;

export function readFilters(params: URLSearchParams): VmListFilters {
  const phase = params.get('phase') ?? '';
  const pageSize = Number(params.get('pageSize'));
  return {
    provider: params.get('provider') ?? '',
    phase: (VM_PHASES as readonly string[]).includes(phase) ? (phase as VmPhase) : '',
    owner: params.get('owner') ?? '',
    namespace: params.get('namespace') ?? '',
    search: params.get('search') ?? '',
    page: Math.max(0, Math.floor(Number(params.get('page') ?? 1)) - 1) || 0,
    pageSize: (PAGE_SIZES as readonly number[]).includes(pageSize) ? pageSize : DEFAULT_PAGE_SIZE,
  };
}

/** The URL for a change of filters; any change other than paging goes back to page 1. */
export function writeFilters(
  current: VmListFilters,
  change: Partial<VmListFilters>,
): URLSearchParams {
  const pagingOnly = Object.keys(change).every((key) => key === 'page');
  const next = { ...current, ...change, page: pagingOnly ? (change.page ?? 0) : 0 };
  const params = new URLSearchParams();
  for (const key of ['provider', 'phase', 'owner', 'namespace', 'search'] as const) {
    if (next[key]) params.set(key, next[key]);
  }
  if (next.page > 0) params.set('page', String(next.page + 1));
  if (next.pageSize !== DEFAULT_PAGE_SIZE) params.set('pageSize', String(next.pageSize));
  return params;
}

export function hasFilters(filters: VmListFilters): boolean {
  return Boolean(
    filters.provider || filters.phase || filters.owner || filters.namespace || filters.search,
  );
}

export function toQuery(filters: VmListFilters): ListVmsQuery {
  return {
    provider: filters.provider || undefined,
    phase: filters.phase || undefined,
    owner: filters.owner || undefined,
    namespace: filters.namespace || undefined,
    search: filters.search || undefined,
    offset: filters.page * filters.pageSize,
    limit: filters.pageSize,
    sort: 'name',
    order: 'asc',
  };
}

// A page of VMs from the list endpoint, kept current by live events: a change to a VM on the
// page updates its row at once; anything that can change which VMs belong on the page (a VM
// created or deleted, a filtered field changing) reloads the page, at most once per second.
import { useApi } from '@backstage/core-plugin-api';
import type {
  ListResponse,
  ListVmsQuery,
  LiveEvent,
  VmSummary,
} from '@virtrigaud/plugin-virtrigaud-common';
import { useCallback, useEffect, useRef, useState } from 'react';
import { virtrigaudApiRef } from '../api';
import { sameObject } from '../catalog';
import { useLiveEvents } from './useLiveEvents';

export interface VmListState {
  /** True until the first answer for the current query. */
  loading: boolean;
  /** True while a newer answer is on its way (the old one is still shown). */
  refreshing: boolean;
  error?: Error;
  page?: ListResponse<VmSummary>;
  reload(): void;
}

const RELOAD_INTERVAL_MS = 1000;
const FILTER_FIELDS = ['provider', 'phase', 'owner', 'search'] as const;

export function useVmList(query: ListVmsQuery): VmListState {
  const api = useApi(virtrigaudApiRef);
  const queryKey = JSON.stringify(query);
  const [result, setResult] = useState<{
    key: string;
    page?: ListResponse<VmSummary>;
    error?: Error;
  }>();
  const [loadCount, setLoadCount] = useState(0);
  const [inFlight, setInFlight] = useState(false);
  const reload = useCallback(() => setLoadCount((n) => n + 1), []);

  useEffect(() => {
    let current = true;
    setInFlight(true);
    api
      .listVms(JSON.parse(queryKey) as ListVmsQuery)
      .then(
        (page) => current && setResult({ key: queryKey, page }),
        (error: Error) =>
          current && setResult((old) => ({ key: queryKey, page: old?.page, error })),
      )
      .finally(() => current && setInFlight(false));
    return () => {
      current = false;
    };
  }, [api, queryKey, loadCount]);

  const throttledReload = useThrottled(reload, RELOAD_INTERVAL_MS);
  const pageRef = useRef(result?.page);
  pageRef.current = result?.page;

  const onEvent = (event: LiveEvent) => {
    if (event.type !== 'vm.upserted' && event.type !== 'vm.deleted') return;
    const ref = event.type === 'vm.upserted' ? event.vm : event.ref;
    if (query.cluster && ref.cluster !== query.cluster) return;
    if (query.namespace && ref.namespace !== query.namespace) return;
    const row = pageRef.current?.items.find((item) => sameObject(item, ref));
    if (event.type === 'vm.upserted' && row) {
      const updated = event.vm;
      setResult((old) =>
        old?.page
          ? {
              ...old,
              page: {
                ...old.page,
                items: old.page.items.map((item) => (sameObject(item, updated) ? updated : item)),
              },
            }
          : old,
      );
      if (!changesMembership(row, updated, query)) return;
    }
    throttledReload();
  };

  useLiveEvents({ cluster: query.cluster, namespace: query.namespace }, onEvent, reload);

  const fresh = result?.key === queryKey;
  return {
    loading: !fresh && !result?.page,
    refreshing: inFlight,
    error: fresh ? result?.error : undefined,
    page: result?.page,
    reload,
  };
}

/** Whether a change of a listed VM may move it out of (or within) the filtered, sorted page. */
function changesMembership(before: VmSummary, after: VmSummary, query: ListVmsQuery): boolean {
  if (FILTER_FIELDS.some((field) => query[field] !== undefined && query[field] !== '')) {
    return (
      before.phase !== after.phase ||
      before.provider !== after.provider ||
      before.owner !== after.owner ||
      before.ips.join() !== after.ips.join()
    );
  }
  return query.sort === 'phase' && before.phase !== after.phase;
}

/** Calls `fn` at most once per `intervalMs`, always after the last request (trailing edge). */
function useThrottled(fn: () => void, intervalMs: number): () => void {
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const fnRef = useRef(fn);
  fnRef.current = fn;
  useEffect(() => () => clearTimeout(timer.current), []);
  return useCallback(() => {
    if (timer.current !== undefined) return;
    timer.current = setTimeout(() => {
      timer.current = undefined;
      fnRef.current();
    }, intervalMs);
  }, [intervalMs]);
}

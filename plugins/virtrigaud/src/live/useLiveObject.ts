// One VirtRigaud object (a VM or a Provider) loaded from the API and kept current by live events.
import { useApi } from '@backstage/core-plugin-api';
import {
  type LiveEvent,
  type ObjectRef,
  type VirtrigaudApi,
  VirtrigaudApiError,
} from '@virtrigaud/plugin-virtrigaud-common';
import { useCallback, useEffect, useRef, useState } from 'react';
import { virtrigaudApiRef } from '../api';
import { useLiveEvents } from './useLiveEvents';

export type LiveObjectState<T> =
  | { status: 'loading' }
  | { status: 'error'; error: Error }
  /** The object does not exist (any more): deleted, or the entity points at a wrong cluster. */
  | { status: 'missing' }
  | { status: 'ready'; value: T };

/** What a live event means for the object shown. */
export type LiveChange<T> = { kind: 'upserted'; apply: (current: T) => T } | { kind: 'deleted' };

export interface LiveObjectSource<T> {
  load(api: VirtrigaudApi, ref: ObjectRef): Promise<T>;
  /** The change an event brings to this object, or undefined when it is about something else. */
  changeFrom(event: LiveEvent, ref: ObjectRef): LiveChange<T> | undefined;
}

export interface LiveObject<T> {
  state: LiveObjectState<T>;
  /** Loads again (after an error, or to refresh). */
  reload(): void;
  /** Shows an answer the caller already has (e.g. from a power action) before the event arrives. */
  replace(update: (current: T) => T): void;
}

const LOADING = { status: 'loading' } as const;

export function useLiveObject<T>(
  ref: ObjectRef | undefined,
  source: LiveObjectSource<T>,
): LiveObject<T> {
  const api = useApi(virtrigaudApiRef);
  const key = ref ? `${ref.cluster}/${ref.namespace}/${ref.name}` : '';
  // State is kept per object, so showing another object starts from "loading", while a reload of
  // the same object keeps showing the old data until the new data is there.
  const [entry, setEntry] = useState<{ key: string; state: LiveObjectState<T> }>({
    key,
    state: LOADING,
  });
  const state = entry.key === key ? entry.state : LOADING;
  const stateRef = useRef(state);
  stateRef.current = state;
  const [loadCount, setLoadCount] = useState(0);
  const reload = useCallback(() => setLoadCount((n) => n + 1), []);

  useEffect(() => {
    if (!ref) return undefined;
    let current = true;
    source.load(api, ref).then(
      (value) => current && setEntry({ key, state: { status: 'ready', value } }),
      (error: Error) => {
        if (!current) return;
        const missing = error instanceof VirtrigaudApiError && error.status === 404;
        setEntry({ key, state: missing ? { status: 'missing' } : { status: 'error', error } });
      },
    );
    return () => {
      current = false;
    };
    // `ref` is represented by `key`: a new object with the same identity must not reload.
  }, [api, source, key, loadCount]);

  const update = useCallback(
    (apply: (current: T) => T) =>
      setEntry((previous) =>
        previous.key === key && previous.state.status === 'ready'
          ? { key, state: { status: 'ready', value: apply(previous.state.value) } }
          : previous,
      ),
    [key],
  );

  const onEvent = (event: LiveEvent) => {
    if (!ref) return;
    const change = source.changeFrom(event, ref);
    if (!change) return;
    if (change.kind === 'deleted') setEntry({ key, state: { status: 'missing' } });
    else if (stateRef.current.status === 'ready') update(change.apply);
    // Created (again) while shown as missing, or while loading: only a full load is complete.
    else reload();
  };

  useLiveEvents(
    ref ? { cluster: ref.cluster, namespace: ref.namespace } : undefined,
    onEvent,
    reload,
  );

  return { state, reload, replace: update };
}

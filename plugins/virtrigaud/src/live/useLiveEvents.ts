import { useApi } from '@backstage/core-plugin-api';
import type { LiveEvent } from '@virtrigaud/plugin-virtrigaud-common';
import { useEffect, useRef } from 'react';
import { virtrigaudApiRef } from '../api';
import { followEvents } from './followEvents';

/**
 * Delivers live events of one cluster (and namespace, when given) while the component is
 * mounted; `onResync` runs after every reconnect. Pass `undefined` to stay disconnected.
 */
export function useLiveEvents(
  query: { cluster?: string; namespace?: string } | undefined,
  onEvent: (event: LiveEvent) => void,
  onResync: () => void,
): void {
  const api = useApi(virtrigaudApiRef);
  // Handlers change on every render; the stream must not reconnect because of that.
  const handlers = useRef({ onEvent, onResync });
  handlers.current = { onEvent, onResync };
  const connected = query !== undefined;
  const cluster = query?.cluster;
  const namespace = query?.namespace;

  useEffect(() => {
    if (!connected) return undefined;
    const abort = new AbortController();
    void followEvents(api, {
      query: { cluster, namespace },
      onEvent: (event) => handlers.current.onEvent(event),
      onResync: () => handlers.current.onResync(),
      signal: abort.signal,
    });
    return () => abort.abort();
  }, [api, connected, cluster, namespace]);
}

// A watched cache of one resource (client-node's list+watch informer) that keeps itself running:
// client-node stops an informer on any watch error but 410 Gone and timeouts, and a node agent
// must ride out an API server restart, so this one starts again with backoff. The first start
// fails if the first list does (a wrong kubeconfig should say so at once).
import {
  makeInformer,
  type KubeConfig,
  type KubernetesObject,
  type ListPromise,
} from '@kubernetes/client-node';

export interface Watched<T> {
  get(name: string, namespace?: string): T | undefined;
  list(namespace?: string): ReadonlyArray<T>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

const RESTART_BASE_MS = 200;
const RESTART_MAX_MS = 5_000;

export function watched<T extends KubernetesObject>(
  kc: KubeConfig,
  path: string,
  list: ListPromise<T>,
  onChange: (object: T, deleted: boolean) => void = () => undefined,
): Watched<T> {
  const informer = makeInformer(kc, path, list);
  let stopped = false;
  let restartMs = RESTART_BASE_MS;
  let restartTimer: NodeJS.Timeout | undefined;
  let firstError: unknown;
  let started = false;
  informer.on('add', (object) => onChange(object, false));
  informer.on('update', (object) => onChange(object, false));
  informer.on('delete', (object) => onChange(object, true));
  informer.on('connect', () => (restartMs = RESTART_BASE_MS));
  informer.on('error', (error) => {
    if (!started) return void (firstError ??= error);
    if (stopped) return;
    process.emitWarning(
      `devcluster kubelet: watch of ${path} failed, restarting: ${String(error)}`,
    );
    restartTimer = setTimeout(() => void informer.start(), restartMs);
    restartMs = Math.min(restartMs * 2, RESTART_MAX_MS);
  });
  return {
    get: (name, namespace) => informer.get(name, namespace),
    list: (namespace) => informer.list(namespace),
    async start() {
      await informer.start();
      if (firstError) throw new Error(`cannot list ${path}: ${String(firstError)}`);
      started = true;
    },
    async stop() {
      stopped = true;
      clearTimeout(restartTimer);
      await informer.stop();
    },
  };
}

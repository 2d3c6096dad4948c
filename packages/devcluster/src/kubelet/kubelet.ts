// The dev kubelet: a node agent that joins any Kubernetes API server through a kubeconfig (the
// devcluster's own, or a real kube-apiserver's). It registers a Node and renews its Lease, binds
// unscheduled pods to itself through `pods/binding` (standing in for the scheduler), runs each
// pod's containers as local processes via PodWorker, reports pod status, and finishes graceful
// deletion with a final `gracePeriodSeconds=0` delete, as a real kubelet does. Optionally it
// serves Services on loopback proxies (ServiceProxies).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ServerResponse } from 'node:http';
import {
  CoreV1Api,
  PatchStrategy,
  setHeaderOptions,
  type KubeConfig,
  type V1ConfigMap,
  type V1Pod,
  type V1Secret,
} from '@kubernetes/client-node';
import type { StoredObject } from '../api/types';
import { WorkQueue } from '../controllers/work-queue';
import { ImageResolver } from './image-resolver';
import { NodeRegistration } from './node-registration';
import { PodCidrNetwork } from './pod-cidr';
import type { Lookup } from './pod-environment';
import { LoopbackNetwork, type PodNetwork } from './pod-network';
import { serveLogs } from './pod-logs';
import { PodWorker, type PodWorkerSettings } from './pod-worker';
import { ServiceProxies } from './service-proxy';
import { DEFAULT_MOUNT_ENV } from './volumes';
import { watched, type Watched } from './watched';

export interface KubeletOptions {
  nodeName?: string;
  /** The monorepo whose workspace `bin`s images map to; found from this package by default. */
  workspaceRoot?: string;
  /** Image (repository, full reference or last segment) -> argv prefix, e.g. a fixture script. */
  images?: Record<string, string[]>;
  /** Pod directories (volumes, logs); a temporary directory removed on stop by default. */
  rootDir?: string;
  /** Mount path -> env var with its local directory (defaults: VIRTRIGAUD_CREDENTIALS_DIR, VIRTRIGAUD_TLS_DIR, VIRTRIGAUD_CONFIG_DIR). */
  mountEnv?: Record<string, string>;
  /** Probe periods and readiness initial delays are capped to this (dev speed; default 1000 ms). */
  maxProbePeriodMs?: number;
  restartBackoffMs?: number;
  maxRestartBackoffMs?: number;
  /** Upper bound for a pod's termination grace period (default 10 s). */
  maxGracePeriodMs?: number;
  /**
   * Give each pod its own IPv4 address from this CIDR (e.g. `198.18.0.0/16`), put on `lo`; needs
   * CAP_NET_ADMIN (a network namespace of your own). Default: all pods on 127.0.0.1, each
   * declared port remapped to a free loopback port.
   */
  podCIDR?: string;
  /** Serve Services on loopback proxies published as an annotation (default: without podCIDR). */
  serviceProxies?: boolean;
  /** Lease renewal and Node heartbeat interval (default 10 s). */
  heartbeatIntervalMs?: number;
}

function findWorkspaceRoot(): string | undefined {
  let dir = __dirname;
  while (dir !== path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (
      fs.existsSync(manifest) &&
      (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { workspaces?: unknown }).workspaces
    )
      return dir;
    dir = path.dirname(dir);
  }
  return undefined;
}

const BASE_ENV_KEYS = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ', 'SYSTEMROOT'];
const RETRY_MS = 500;
const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

const keyOf = (pod: V1Pod) => `${pod.metadata!.namespace}/${pod.metadata!.name}`;
const isStatus = (error: unknown, ...codes: number[]) =>
  codes.includes((error as { code?: number }).code ?? 0);

export class Kubelet {
  readonly nodeName: string;
  private readonly workers = new Map<string, PodWorker>();
  private readonly stopping = new Map<string, Promise<void>>();
  private readonly finishing = new Set<string>();
  /** Per pod uid: the status write in flight, and whether another one is already queued. */
  private readonly statusWrites = new Map<string, Promise<void>>();
  private readonly statusQueued = new Set<string>();
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  private readonly core: CoreV1Api;
  private readonly queue: WorkQueue;
  private readonly pods: Watched<V1Pod>;
  private readonly secrets: Watched<V1Secret>;
  private readonly configMaps: Watched<V1ConfigMap>;
  private readonly node: NodeRegistration;
  private readonly network: PodNetwork;
  private readonly ownsRoot: boolean;
  private readonly settings: PodWorkerSettings;
  private readonly resolver: ImageResolver;
  private readonly maxGraceMs: number;
  private stopped = false;
  readonly proxies?: ServiceProxies;

  constructor(
    kc: KubeConfig,
    options: KubeletOptions = {},
    private readonly onPortsChanged: (namespace: string) => void = () => undefined,
  ) {
    this.nodeName = options.nodeName ?? 'devcluster';
    this.network = options.podCIDR ? new PodCidrNetwork(options.podCIDR) : new LoopbackNetwork();
    this.core = kc.makeApiClient(CoreV1Api);
    this.ownsRoot = !options.rootDir;
    const rootDir = options.rootDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'devcluster-pods-'));
    this.settings = {
      rootDir,
      network: this.network,
      mountEnv: options.mountEnv ?? DEFAULT_MOUNT_ENV,
      maxProbePeriodMs: options.maxProbePeriodMs ?? 1000,
      backoffBaseMs: options.restartBackoffMs ?? 250,
      backoffMaxMs: options.maxRestartBackoffMs ?? 10_000,
      baseEnv: Object.fromEntries(
        BASE_ENV_KEYS.filter((k) => process.env[k] !== undefined).map((k) => [k, process.env[k]!]),
      ),
    };
    this.maxGraceMs = options.maxGracePeriodMs ?? 10_000;
    this.resolver = new ImageResolver(options.workspaceRoot ?? findWorkspaceRoot(), options.images);
    this.node = new NodeRegistration(
      kc,
      this.nodeName,
      this.network.hostIP,
      options.podCIDR,
      options.heartbeatIntervalMs ?? 10_000,
    );
    this.queue = new WorkQueue('kubelet', (key) => this.sync(key));
    this.secrets = watched(kc, '/api/v1/secrets', () => this.core.listSecretForAllNamespaces());
    this.configMaps = watched(kc, '/api/v1/configmaps', () =>
      this.core.listConfigMapForAllNamespaces(),
    );
    this.pods = watched(
      kc,
      '/api/v1/pods',
      () => this.core.listPodForAllNamespaces(),
      (pod, deleted) => {
        if (deleted) void this.stopWorker(pod.metadata!.uid!, 0);
        else this.queue.add(keyOf(pod));
      },
    );
    if (options.serviceProxies ?? !options.podCIDR)
      this.proxies = new ServiceProxies(kc, this.pods, (pod, port) => {
        const worker = this.workers.get(pod.metadata!.uid!);
        const resolved = worker?.resolvePort(port);
        return worker?.address && resolved !== undefined
          ? { host: worker.address.podIP, port: resolved }
          : undefined;
      });
  }

  /** Registers the Node and starts watching; resolves once the pods known now are queued. */
  async start(): Promise<void> {
    await this.node.register();
    await Promise.all([this.secrets.start(), this.configMaps.start()]);
    await this.pods.start();
    await this.proxies?.start();
  }

  /** Where a pod serves `port` (number or name), at its podIP. */
  resolvePort(pod: StoredObject, port: number | string): number | undefined {
    return this.workers.get(pod.metadata.uid)?.resolvePort(port);
  }

  serveLogs(pod: StoredObject, query: URLSearchParams, res: ServerResponse): void {
    serveLogs(this.workers.get(pod.metadata.uid), pod, query, res);
  }

  /** Stops every pod's processes (grace capped by maxGracePeriodMs); the Node object stays. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.node.stop();
    this.queue.close();
    for (const timer of this.retryTimers) clearTimeout(timer);
    await Promise.all([this.pods.stop(), this.secrets.stop(), this.configMaps.stop()]);
    await this.proxies?.close();
    const workers = [...this.workers.values()];
    this.workers.clear();
    await Promise.all([...workers.map((w) => w.stop(this.maxGraceMs)), ...this.stopping.values()]);
    await Promise.allSettled(this.statusWrites.values());
    if (this.ownsRoot) fs.rmSync(this.settings.rootDir, { recursive: true, force: true });
  }

  private sync(key: string): void {
    this.syncPod(key).catch((error) => {
      if (this.stopped) return;
      process.emitWarning(`devcluster kubelet: pod ${key}: ${String(error)}`);
      const timer = setTimeout(() => {
        this.retryTimers.delete(timer);
        this.queue.add(key);
      }, RETRY_MS);
      this.retryTimers.add(timer);
    });
  }

  private async syncPod(key: string): Promise<void> {
    const [namespace, name] = [key.slice(0, key.indexOf('/')), key.slice(key.indexOf('/') + 1)];
    const pod = this.pods.get(name, namespace);
    if (!pod) return;
    const uid = pod.metadata!.uid!;
    if (!pod.spec?.nodeName) {
      if (!pod.metadata!.deletionTimestamp) await this.bind(pod);
      return;
    }
    if (pod.spec.nodeName !== this.nodeName) return;
    if (pod.metadata!.deletionTimestamp) {
      const graceMs = Math.min(
        (pod.metadata!.deletionGracePeriodSeconds ?? 0) * 1000,
        this.maxGraceMs,
      );
      await this.stopWorker(uid, graceMs);
      await this.finishDeletion(pod);
      return;
    }
    if (this.workers.has(uid) || this.stopping.has(uid)) return;
    // A finished pod seen again after a kubelet restart is not run a second time.
    if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') return;
    const lookup: Lookup = (kind, ns, objectName) =>
      (kind === 'secrets' ? this.secrets : this.configMaps).get(objectName, ns) as
        StoredObject | undefined;
    const worker = new PodWorker(
      pod as unknown as StoredObject,
      this.settings,
      this.resolver,
      lookup,
      () => this.reportStatus(uid, namespace, name),
    );
    this.workers.set(uid, worker);
    try {
      await worker.start();
    } catch (error) {
      await this.stopWorker(uid, 0);
      throw error;
    }
    this.onPortsChanged(namespace);
  }

  /** What the scheduler would do: `POST pods/<name>/binding` to this node. */
  private async bind(pod: V1Pod): Promise<void> {
    const { name, namespace, uid } = pod.metadata!;
    await this.core
      .createNamespacedPodBinding({
        name: name!,
        namespace: namespace!,
        body: {
          metadata: { name, namespace, uid },
          target: { apiVersion: 'v1', kind: 'Node', name: this.nodeName },
        },
      })
      .catch((error) => {
        // Bound meanwhile (by us or another node), or gone: the next event tells.
        if (!isStatus(error, 404, 409)) throw error;
      });
  }

  /** The processes are gone: remove the pod for good (the API server then deletes it). */
  private async finishDeletion(pod: V1Pod): Promise<void> {
    const { name, namespace, uid } = pod.metadata!;
    if (this.finishing.has(uid!)) return;
    this.finishing.add(uid!);
    try {
      await this.core.deleteNamespacedPod({
        name: name!,
        namespace: namespace!,
        gracePeriodSeconds: 0,
        body: { gracePeriodSeconds: 0, preconditions: { uid } },
      });
    } catch (error) {
      if (!isStatus(error, 404, 409)) throw error;
    } finally {
      this.finishing.delete(uid!);
    }
  }

  private async stopWorker(uid: string, graceMs: number): Promise<void> {
    const pending = this.stopping.get(uid);
    if (pending) return pending;
    const worker = this.workers.get(uid);
    if (!worker) return;
    const stopped = worker.stop(graceMs).finally(() => {
      this.workers.delete(uid);
      this.stopping.delete(uid);
    });
    this.stopping.set(uid, stopped);
    return stopped;
  }

  /** Status writes for one pod run one at a time; changes meanwhile fold into the next write. */
  private reportStatus(uid: string, namespace: string, name: string): void {
    if (this.stopped || this.statusQueued.has(uid)) return;
    this.statusQueued.add(uid);
    const previous = this.statusWrites.get(uid) ?? Promise.resolve();
    const next = previous
      .then(() => {
        this.statusQueued.delete(uid);
        return this.writeStatus(uid, namespace, name);
      })
      .catch((error) => {
        if (!this.stopped)
          process.emitWarning(
            `devcluster kubelet: status of ${namespace}/${name}: ${String(error)}`,
          );
      })
      .finally(() => {
        if (this.statusWrites.get(uid) === next) this.statusWrites.delete(uid);
      });
    this.statusWrites.set(uid, next);
  }

  private async writeStatus(uid: string, namespace: string, name: string): Promise<void> {
    const worker = this.workers.get(uid);
    const pod = this.pods.get(name, namespace);
    if (
      !worker ||
      this.stopped ||
      !pod ||
      pod.metadata!.uid !== uid ||
      pod.metadata!.deletionTimestamp
    )
      return;
    await this.core
      .patchNamespacedPodStatus({ name, namespace, body: { status: worker.status() } }, mergePatch)
      .catch((error) => {
        if (!isStatus(error, 404)) throw error;
      });
  }
}

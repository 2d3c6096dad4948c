// The dev kubelet: registers a Node, binds unscheduled pods to it (standing in for the
// scheduler), runs each pod's containers as local processes via PodWorker, writes pod status,
// finishes graceful pod deletion, and serves Services on loopback proxies.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ServerResponse } from 'node:http';
import type { Objects } from '../api/objects';
import type { ResourceType } from '../api/resource-type';
import type { StoredObject } from '../api/types';
import { WorkQueue } from '../controllers/work-queue';
import { nsKey, splitKey } from '../controllers/owned';
import type { StoreEvent } from '../store/store';
import { ImageResolver } from './image-resolver';
import type { Lookup } from './pod-environment';
import { serveLogs } from './pod-logs';
import { PodWorker, type PodWorkerSettings } from './pod-worker';
import { ServiceProxies } from './service-proxy';
import { DEFAULT_MOUNT_ENV } from './volumes';

/* eslint-disable @typescript-eslint/no-explicit-any -- pod specs are arbitrary user JSON */

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
  /** Probe periods and initial delays are capped to this (dev speed; default 1000 ms). */
  maxProbePeriodMs?: number;
  restartBackoffMs?: number;
  maxRestartBackoffMs?: number;
  /** Upper bound for a pod's termination grace period (default 10 s). */
  maxGracePeriodMs?: number;
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

export class Kubelet {
  private readonly workers = new Map<string, PodWorker>();
  private readonly stopping = new Map<string, Promise<void>>();
  private readonly queue: WorkQueue;
  private readonly statusQueue: WorkQueue;
  private readonly unsubscribe: () => void;
  private readonly pods: ResourceType;
  private readonly nodeName: string;
  private readonly ownsRoot: boolean;
  private readonly settings: PodWorkerSettings;
  private readonly resolver: ImageResolver;
  private readonly maxGraceMs: number;
  readonly proxies: ServiceProxies;

  constructor(
    private readonly objects: Objects,
    options: KubeletOptions = {},
    private readonly onPortsChanged: (namespace: string) => void = () => undefined,
  ) {
    this.pods = objects.registry.lookup('', 'v1', 'pods')!;
    this.nodeName = options.nodeName ?? 'devcluster';
    this.ownsRoot = !options.rootDir;
    const rootDir = options.rootDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'devcluster-pods-'));
    this.settings = {
      rootDir,
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
    this.registerNode();
    this.queue = new WorkQueue('kubelet', (key) => this.sync(key));
    this.statusQueue = new WorkQueue('kubelet status', (uid) => this.writeStatus(uid));
    this.unsubscribe = objects.store.subscribe((event) => this.onEvent(event));
    for (const pod of objects.store.list(this.pods.storageKey)) this.queue.add(nsKey(pod));
    this.proxies = new ServiceProxies(objects, (pod, port) => this.resolvePort(pod, port));
  }

  /** Where a pod serves `port` (number or name) on loopback. */
  resolvePort(pod: StoredObject, port: number | string): number | undefined {
    return this.workers.get(pod.metadata.uid)?.resolvePort(port);
  }

  serveLogs(pod: StoredObject, query: URLSearchParams, res: ServerResponse): void {
    serveLogs(this.workers.get(pod.metadata.uid), pod, query, res);
  }

  async stop(): Promise<void> {
    this.unsubscribe();
    this.queue.close();
    this.statusQueue.close();
    this.proxies.close();
    const workers = [...this.workers.values()];
    this.workers.clear();
    await Promise.all([...workers.map((w) => w.stop(this.maxGraceMs)), ...this.stopping.values()]);
    if (this.ownsRoot) fs.rmSync(this.settings.rootDir, { recursive: true, force: true });
  }

  private registerNode(): void {
    const nodes = this.objects.registry.lookup('', 'v1', 'nodes')!;
    const body = {
      metadata: {
        name: this.nodeName,
        labels: {
          'kubernetes.io/hostname': this.nodeName,
          'kubernetes.io/os': process.platform,
          'kubernetes.io/arch': process.arch,
        },
      },
      spec: {},
    };
    const node =
      this.objects.find(nodes, undefined, this.nodeName) ??
      this.objects.create(nodes, undefined, body);
    const status = {
      conditions: [
        {
          type: 'Ready',
          status: 'True',
          reason: 'KubeletReady',
          message: 'devcluster kubelet is posting ready status',
          lastHeartbeatTime: new Date().toISOString(),
          lastTransitionTime: new Date().toISOString(),
        },
      ],
      addresses: [
        { type: 'InternalIP', address: '127.0.0.1' },
        { type: 'Hostname', address: this.nodeName },
      ],
      nodeInfo: {
        kubeletVersion: 'v1.32.0-devcluster',
        operatingSystem: process.platform,
        architecture: process.arch,
        containerRuntimeVersion: `node://${process.version}`,
      },
    };
    this.objects.update(nodes, undefined, this.nodeName, { ...node, status }, {}, 'status');
  }

  private onEvent({ storageKey, object, type }: StoreEvent): void {
    if (storageKey !== this.pods.storageKey) return;
    if (type === 'DELETED') void this.stopWorker(object.metadata.uid, 0);
    else this.queue.add(nsKey(object));
  }

  private sync(key: string): void {
    const [namespace, name] = splitKey(key);
    const pod = this.objects.find(this.pods, namespace, name) as any;
    if (!pod) return;
    if (!pod.spec?.nodeName) {
      this.objects.update(this.pods, namespace, name, {
        ...pod,
        spec: { ...pod.spec, nodeName: this.nodeName },
      });
      return;
    }
    if (pod.spec.nodeName !== this.nodeName) return;
    const uid = pod.metadata.uid;
    if (pod.metadata.deletionTimestamp) {
      const graceMs = Math.min(
        (pod.metadata.deletionGracePeriodSeconds ?? 0) * 1000,
        this.maxGraceMs,
      );
      void this.stopWorker(uid, graceMs).then(() =>
        this.objects.finishGracefulDeletion(this.pods, pod),
      );
      return;
    }
    if (this.workers.has(uid) || this.stopping.has(uid)) return;
    const lookup: Lookup = (kind, ns, objectName) =>
      this.objects.store.get(`/${kind}`, ns, objectName);
    const worker = new PodWorker(pod, this.settings, this.resolver, lookup, () =>
      this.statusQueue.add(uid),
    );
    this.workers.set(uid, worker);
    worker.start().then(
      () => this.onPortsChanged(namespace),
      (error) => process.emitWarning(`devcluster kubelet: pod ${key}: ${String(error)}`),
    );
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

  private writeStatus(uid: string): void {
    const worker = this.workers.get(uid);
    const entry = this.objects.store.getByUid(uid);
    if (
      !worker ||
      !entry ||
      entry.storageKey !== this.pods.storageKey ||
      entry.object.metadata.deletionTimestamp
    )
      return;
    const pod = entry.object;
    this.objects.update(
      this.pods,
      pod.metadata.namespace,
      pod.metadata.name,
      { ...pod, status: worker.status() },
      {},
      'status',
    );
  }
}

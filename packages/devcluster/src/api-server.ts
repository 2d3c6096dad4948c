// The control plane without the kubelet: store, registry, HTTP API, CRDs, garbage collector and
// namespace controller.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { builtinTypes } from './api/builtins';
import { Objects } from './api/objects';
import { Registry } from './api/registry';
import { CrdRegistrar } from './crd/crd-registrar';
import { DeploymentController } from './controllers/deployment-controller';
import { EndpointsController } from './controllers/endpoints-controller';
import { GarbageCollector } from './controllers/garbage-collector';
import { ReplicaSetController } from './controllers/replicaset-controller';
import { NamespaceController } from './controllers/namespace-controller';
import { OpenApi } from './http/openapi';
import { createRequestHandler, type PodLogs } from './http/server';
import { eventOrderFromEnvironment, WriteOrder, type EventOrder } from './http/write-order';
import { KubeConfig } from '@kubernetes/client-node';
import { Kubelet, type KubeletOptions } from './kubelet/kubelet';
import { devclusterKubeconfig } from './kubeconfig';
import { loadSnapshot, Persister } from './store/persistence';
import { Store } from './store/store';

export interface ApiServerOptions {
  dataDir?: string;
  /** How many changes watches can resume from before getting 410 Gone. */
  watchHistorySize?: number;
  bookmarkIntervalMs?: number;
  /**
   * Whether a write's response goes out before its watch events (the default), or, with a seed,
   * in an order drawn per write, as a real server may deliver either first. Without this option,
   * DEVCLUSTER_EVENT_ORDER_SEED=<seed> in the environment turns the drawing on.
   */
  eventOrder?: EventOrder;
  /**
   * Run Deployments' pods as local processes (off unless given; the CLI turns it on). The kubelet
   * is started by listen() and talks to this server over HTTP, like any node agent. Its pods keep
   * loopback addresses here (no podCIDR): the devcluster's own endpoints controller publishes them.
   */
  kubelet?: boolean | Omit<KubeletOptions, 'podCIDR'>;
}

const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

export class ApiServer {
  readonly objects: Objects;
  private readonly server: http.Server;
  private readonly crds: CrdRegistrar;
  private readonly controllers: { close(): void }[];
  private readonly persister?: Persister;
  private kubelet?: Kubelet;
  private readonly kubeletOptions?: Omit<KubeletOptions, 'podCIDR'>;
  private readonly refreshEndpoints: (namespace: string) => void;
  url = '';

  constructor(options: ApiServerOptions = {}) {
    const store = new Store(
      options.watchHistorySize ?? 100_000,
      options.dataDir ? loadSnapshot(options.dataDir) : undefined,
    );
    const registry = new Registry();
    for (const type of builtinTypes()) registry.add(type);
    let crds: CrdRegistrar | undefined;
    this.objects = new Objects(store, registry, (type) => crds?.pruningOf(type));
    this.crds = crds = new CrdRegistrar(this.objects);
    const namespaces = registry.lookup('', 'v1', 'namespaces')!;
    for (const name of SYSTEM_NAMESPACES)
      if (!this.objects.find(namespaces, undefined, name))
        this.objects.create(namespaces, undefined, { metadata: { name } });
    const endpoints = new EndpointsController(this.objects, (pod, port) =>
      this.kubelet?.resolvePort(pod, port),
    );
    this.refreshEndpoints = (namespace) => endpoints.refresh(namespace);
    this.controllers = [
      new GarbageCollector(this.objects),
      new NamespaceController(this.objects),
      new DeploymentController(this.objects),
      new ReplicaSetController(this.objects),
      endpoints,
    ];
    if (options.kubelet) this.kubeletOptions = options.kubelet === true ? {} : options.kubelet;
    const podLogs: PodLogs | undefined = this.kubeletOptions && {
      serve: (pod, query, res) => this.kubelet!.serveLogs(pod, query, res),
    };
    if (options.dataDir) this.persister = new Persister(store, options.dataDir);
    this.server = http.createServer(
      createRequestHandler({
        objects: this.objects,
        openapi: new OpenApi(registry, { schemaOf: (type) => crds?.schemaOf(type) }),
        watch: {
          bookmarkIntervalMs: options.bookmarkIntervalMs ?? 60_000,
          defaultTimeoutSeconds: 1800,
        },
        writeOrder: new WriteOrder(options.eventOrder ?? eventOrderFromEnvironment()),
        address: () => this.url.replace('http://', ''),
        podLogs,
      }),
    );
    this.server.keepAliveTimeout = 60_000;
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', resolve);
    });
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    if (this.kubeletOptions) {
      const kc = new KubeConfig();
      kc.loadFromString(JSON.stringify(devclusterKubeconfig(this.url)));
      this.kubelet = new Kubelet(kc, this.kubeletOptions, this.refreshEndpoints);
      await this.kubelet.start().catch(async (error) => {
        await this.close();
        throw error;
      });
    }
    return this.url;
  }

  async close(): Promise<void> {
    await this.kubelet?.stop();
    for (const controller of this.controllers) controller.close();
    this.crds.close();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
    this.persister?.close();
  }
}

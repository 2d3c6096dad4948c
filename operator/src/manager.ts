// The manager: shared informers for every kind the controllers read, the services they share
// (client, provider gateway and endpoints, event recorder), the five controllers (each wires
// itself in its folder's setup.ts), leader election, and the metrics/health servers. Caches start
// on every replica (a standby is warm); controllers start only on the leader.
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { MANAGED_SELECTOR } from '@virtrigaud/api';
import {
  createResolver,
  type EndpointSliceLike,
  type EventRecorder,
  Informer,
  KubeClient,
  KubeEventRecorder,
  type KubeObject,
  KubeResources,
  LeaderElector,
  type ResourceType,
  SERVICE_NAME_LABEL,
  type ServiceAddressResolver,
  type ServiceAddressSource,
  type ServiceLike,
} from '@virtrigaud/kube';
import { ClientIdentityFiles } from './grpc/client-identity';
import { ProviderGateway } from './grpc/provider-gateway';
import { ManagerMetrics } from './observability/metrics';
import {
  close,
  healthServer,
  listen,
  metricsServer,
  parseListenAddress,
} from './observability/http-servers';
import { Controller, type Reconciler } from './runtime/controller';
import { ProviderEndpoints } from './controllers/provider/endpoint';
import type { ProviderSecurityOptions } from './controllers/provider/security-options';
import { setup as setupProvider } from './controllers/provider/setup';
import { setup as setupVirtualMachine } from './controllers/virtualmachine/setup';
import { setup as setupVMSnapshot } from './controllers/vmsnapshot/setup';
import { setup as setupVMClone } from './controllers/vmclone/setup';
import { setup as setupVMSet } from './controllers/vmset/setup';

/** The controllers, each wiring its informers, indexes and watches (controller-runtime's SetupWithManager). */
const CONTROLLERS: ((manager: Manager) => Controller)[] = [
  setupProvider,
  setupVirtualMachine,
  setupVMSnapshot,
  setupVMClone,
  setupVMSet,
];

export interface ManagerOptions {
  metricsAddr: string;
  healthAddr: string;
  leaderElect: boolean;
  leaderElectionNamespace: string;
  leaderElectionId: string;
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
  watchNamespace?: string;
  concurrency: { provider: number; vm: number; snapshot: number; clone: number; vmset: number };
  serviceAddressSource: ServiceAddressSource;
  providerImageTag: string;
  providerHealthIntervalMs: number;
  vmResyncPeriodMs: number;
  taskPollBaseMs: number;
  taskPollMaxMs: number;
  /** When a reconcile that ended in a TerminalError (an error the user must fix) is tried again. */
  permanentErrorRetryMs: number;
  /** Multiplies the default gRPC deadlines. */
  deadlineScale: number;
  providerSecurity: ProviderSecurityOptions;
  /** The manager's client certificate for mutual TLS toward providers. */
  grpcClientIdentity?: { certFile: string; keyFile: string };
}

export const DEFAULT_MANAGER_OPTIONS: ManagerOptions = {
  metricsAddr: ':8080',
  healthAddr: ':8081',
  leaderElect: false,
  leaderElectionNamespace: process.env.POD_NAMESPACE ?? 'virtrigaud-system',
  leaderElectionId: 'virtrigaud-manager',
  leaseDurationMs: 15_000,
  renewDeadlineMs: 10_000,
  retryPeriodMs: 2_000,
  concurrency: { provider: 2, vm: 10, snapshot: 2, clone: 2, vmset: 2 },
  serviceAddressSource: 'endpoint-slices',
  providerImageTag: 'v0.1.0',
  providerHealthIntervalMs: 15_000,
  vmResyncPeriodMs: 10 * 60_000,
  taskPollBaseMs: 50,
  taskPollMaxMs: 10_000,
  permanentErrorRetryMs: 5 * 60_000,
  deadlineScale: 1,
  providerSecurity: {
    tlsByDefault: false,
    managerIdentities: [],
    networkPolicy: {
      managerNamespace: process.env.POD_NAMESPACE ?? 'virtrigaud-system',
      managerPodLabels: {
        'app.kubernetes.io/name': 'virtrigaud',
        'app.kubernetes.io/component': 'manager',
      },
      metricsNamespaceLabels: { 'kubernetes.io/metadata.name': 'monitoring' },
      metricsPodLabels: {},
    },
    admission: {
      allowedImagePrefixes: ['ghcr.io/projectbeskar/virtrigaud/'],
      allowedServiceAccounts: [],
    },
  },
};

export class Manager {
  readonly metrics = new ManagerMetrics();
  readonly client: KubeClient;
  readonly gateway: ProviderGateway;
  readonly recorder: EventRecorder;
  /** Provider Services (and, balancing over replicas, their EndpointSlices) to dial providers at. */
  readonly endpoints: ProviderEndpoints;
  /** The Services the Provider controller generates; `endpoints` reads them. */
  readonly managedServices: Informer<ServiceLike>;
  readonly informers: Informer<KubeObject>[] = [];
  readonly controllers: Controller[] = [];
  private readonly sharedInformers = new Map<string, Informer<KubeObject>>();
  private readonly elector: LeaderElector | undefined;
  private servers: Server[] = [];
  private addresses: { metrics?: string; health?: string } = {};
  private running = false;
  private stopping: Promise<void> | undefined;

  constructor(
    kubeConfig: KubeConfig,
    readonly options: ManagerOptions,
    readonly log: Logger,
    /** Called when leadership is lost: the process must exit, as controller-runtime does. */
    private readonly onFatal: (reason: string) => void = () => {},
    /**
     * How provider Services are dialled (fault tests put a cuttable proxy in between); default:
     * `options.serviceAddressSource`.
     */
    addressResolver?: ServiceAddressResolver,
  ) {
    this.client = new KubeClient(kubeConfig, this.metrics.observeApiRequest);
    this.gateway = new ProviderGateway({
      metrics: this.metrics,
      log,
      deadlineScale: options.deadlineScale,
    });
    this.elector = options.leaderElect
      ? new LeaderElector(this.client, {
          namespace: options.leaderElectionNamespace,
          name: options.leaderElectionId,
          identity: `${hostname()}_${randomUUID()}`,
          leaseDurationMs: options.leaseDurationMs,
          renewDeadlineMs: options.renewDeadlineMs,
          retryPeriodMs: options.retryPeriodMs,
          log,
        })
      : undefined;
    this.recorder = new KubeEventRecorder(this.client, log);
    this.managedServices = this.informer<ServiceLike>(KubeResources.Service, MANAGED_SELECTOR);
    // Only needed to balance over provider replicas; every slice carries its Service's name.
    const slices =
      options.serviceAddressSource === 'endpoint-slices'
        ? this.informer<EndpointSliceLike>(KubeResources.EndpointSlice, SERVICE_NAME_LABEL)
        : undefined;
    slices?.addIndex('service', (slice) => [
      `${slice.metadata.namespace}/${slice.metadata.labels?.[SERVICE_NAME_LABEL]}`,
    ]);
    const identityFiles =
      options.grpcClientIdentity &&
      new ClientIdentityFiles(
        options.grpcClientIdentity.certFile,
        options.grpcClientIdentity.keyFile,
      );
    identityFiles?.read(); // unreadable files stop the manager at startup, naming the flag
    this.endpoints = new ProviderEndpoints(
      this.client,
      this.managedServices,
      addressResolver ??
        createResolver(
          options.serviceAddressSource,
          (service) => slices?.byIndex('service', service) ?? [],
        ),
      {
        byDefault: options.providerSecurity.tlsByDefault,
        identity: identityFiles ? () => identityFiles.read() : undefined,
      },
    );
    for (const setup of CONTROLLERS) setup(this);
  }

  get metricsAddress(): string | undefined {
    return this.addresses.metrics;
  }

  get healthAddress(): string | undefined {
    return this.addresses.health;
  }

  get isLeader(): boolean {
    return this.running;
  }

  async start(): Promise<void> {
    await this.startServers();
    await Promise.all(this.informers.map((i) => i.start()));
    this.log.info({ resources: this.informers.map((i) => i.type.plural) }, 'caches synced');
    if (this.elector) {
      if (!(await this.elector.acquire())) return;
      this.elector.keepRenewing(() => this.onFatal('leader election lost'));
    }
    this.running = true;
    this.metrics.leader.set(1);
    for (const controller of this.controllers) controller.start();
    this.log.info({ controllers: this.controllers.map((c) => c.name) }, 'controllers started');
  }

  /** Stops controllers (waiting for reconciles in flight), caches, servers; releases the lease. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await Promise.all(this.controllers.map((c) => c.stop()));
      this.running = false;
      this.metrics.leader.set(0);
      await this.elector?.release();
      for (const informer of this.informers) informer.stop();
      this.gateway.close();
      await Promise.all(this.servers.map(close));
    })();
    return this.stopping;
  }

  private async startServers(): Promise<void> {
    const metricsAt = parseListenAddress(this.options.metricsAddr);
    if (metricsAt) {
      const server = metricsServer(this.metrics.registry);
      this.servers.push(server);
      this.addresses.metrics = await listen(server, metricsAt);
    }
    const healthAt = parseListenAddress(this.options.healthAddr);
    if (healthAt) {
      const server = healthServer({
        live: () => true,
        ready: () => this.informers.every((i) => i.hasSynced()),
      });
      this.servers.push(server);
      this.addresses.health = await listen(server, healthAt);
    }
    this.log.info(this.addresses, 'servers listening');
  }

  /**
   * The shared informer of a resource (with a label selector); controllers asking for the same
   * one get the same cache, as with controller-runtime's manager cache.
   */
  informer<T extends KubeObject>(type: ResourceType, labelSelector?: string): Informer<T> {
    const key = `${type.plural}.${type.group}?${labelSelector ?? ''}`;
    let informer = this.sharedInformers.get(key);
    if (!informer) {
      informer = new Informer<KubeObject>(this.client, type, {
        namespace: this.options.watchNamespace,
        labelSelector,
        log: this.log,
        onRelist: () => this.metrics.relists.inc({ resource: type.plural }),
      });
      this.sharedInformers.set(key, informer);
      this.informers.push(informer);
    }
    return informer as unknown as Informer<T>;
  }

  /** A controller started on the leader; a TerminalError is retried after `permanentErrorRetryMs`. */
  controller(name: string, concurrency: number, reconciler: Reconciler): Controller {
    const controller = new Controller(reconciler, {
      name,
      concurrency,
      log: this.log,
      metrics: this.metrics,
      terminalErrorRetryMs: this.options.permanentErrorRetryMs,
    });
    this.controllers.push(controller);
    return controller;
  }
}

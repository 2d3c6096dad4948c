// The manager: shared informers for every kind the controllers read, the five controllers, leader
// election, and the metrics/health servers. Caches start on every replica (a standby is warm);
// controllers start only on the leader.
import {
  createResolver,
  type EndpointSliceLike,
  Informer,
  keyOf,
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
  WriteExpectations,
} from '@virtrigaud/kube';
import { LABEL_MANAGED_BY, MANAGED_BY, Resources } from '@virtrigaud/api';
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { KubeConfig } from '@kubernetes/client-node';
import type {
  Provider,
  VMClass,
  VMClone,
  VMImage,
  VMNetworkAttachment,
  VMSet,
  VMSnapshot,
} from '@virtrigaud/api';
import type { Logger } from 'pino';
import { ProviderGateway } from './grpc/provider-gateway';
import { ManagerMetrics } from './observability/metrics';
import {
  close,
  healthServer,
  listen,
  metricsServer,
  parseListenAddress,
} from './observability/http-servers';
import { Controller } from './runtime/controller';
import { ProviderEndpoints } from './controllers/provider/endpoint';
import { ProviderReconciler } from './controllers/provider/reconciler';
import { VirtualMachineReconciler, type VM } from './controllers/virtualmachine/reconciler';
import { VMSnapshotReconciler } from './controllers/vmsnapshot/reconciler';
import { VMCloneReconciler } from './controllers/vmclone/reconciler';
import { owningSet, SET_INDEX, VMSetReconciler } from './controllers/vmset/reconciler';

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
  permanentErrorRetryMs: number;
  /** Multiplies the default gRPC deadlines. */
  deadlineScale: number;
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
};

type Cached<T> = T & KubeObject;

export class Manager {
  readonly metrics = new ManagerMetrics();
  readonly client: KubeClient;
  readonly gateway: ProviderGateway;
  readonly informers: Informer<KubeObject>[] = [];
  readonly controllers: Controller[] = [];
  private readonly elector: LeaderElector | undefined;
  private servers: Server[] = [];
  private addresses: { metrics?: string; health?: string } = {};
  private running = false;
  private stopping: Promise<void> | undefined;

  constructor(
    kubeConfig: KubeConfig,
    private readonly options: ManagerOptions,
    private readonly log: Logger,
    /** Called when leadership is lost: the process must exit, as controller-runtime does. */
    private readonly onFatal: (reason: string) => void = () => {},
    /**
     * How provider Services are dialled (fault tests put a cuttable proxy in between); default:
     * `options.serviceAddressSource`.
     */
    private readonly addressResolver?: ServiceAddressResolver,
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
    this.wire();
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

  private informer<T extends KubeObject>(type: ResourceType, labelSelector?: string): Informer<T> {
    const informer = new Informer<T>(this.client, type, {
      namespace: this.options.watchNamespace,
      labelSelector,
      log: this.log,
      onRelist: () => this.metrics.relists.inc({ resource: type.plural }),
    });
    this.informers.push(informer as unknown as Informer<KubeObject>);
    return informer;
  }

  private controller(
    name: string,
    concurrency: number,
    reconciler: ConstructorParameters<typeof Controller>[0],
  ): Controller {
    const controller = new Controller(reconciler, {
      name,
      concurrency,
      log: this.log,
      metrics: this.metrics,
    });
    this.controllers.push(controller);
    return controller;
  }

  private wire(): void {
    const o = this.options;
    const managed = `${LABEL_MANAGED_BY}=${MANAGED_BY}`;
    const providers = this.informer<Cached<Provider>>(Resources.Provider);
    const vms = this.informer<VM>(Resources.VirtualMachine);
    const classes = this.informer<Cached<VMClass>>(Resources.VMClass);
    const images = this.informer<Cached<VMImage>>(Resources.VMImage);
    const networks = this.informer<Cached<VMNetworkAttachment>>(Resources.VMNetworkAttachment);
    const snapshots = this.informer<Cached<VMSnapshot>>(Resources.VMSnapshot);
    const clones = this.informer<Cached<VMClone>>(Resources.VMClone);
    const sets = this.informer<Cached<VMSet>>(Resources.VMSet);
    const deployments = this.informer<KubeObject>(KubeResources.Deployment, managed);
    const services = this.informer<ServiceLike>(KubeResources.Service, managed);
    const configMaps = this.informer<KubeObject>(KubeResources.ConfigMap, managed);
    // Only needed to balance over provider replicas; every slice carries its Service's name.
    const slices =
      o.serviceAddressSource === 'endpoint-slices'
        ? this.informer<EndpointSliceLike>(KubeResources.EndpointSlice, SERVICE_NAME_LABEL)
        : undefined;
    slices?.addIndex('service', (slice) => [
      `${slice.metadata.namespace}/${slice.metadata.labels?.[SERVICE_NAME_LABEL]}`,
    ]);

    const ref = (vm: VM, name: string | undefined) =>
      name ? [`${vm.metadata.namespace}/${name}`] : [];
    vms.addIndex('provider', (vm) => ref(vm, vm.spec.providerRef?.name));
    vms.addIndex('class', (vm) => ref(vm, vm.spec.classRef?.name));
    vms.addIndex('image', (vm) => ref(vm, vm.spec.imageRef?.name));
    vms.addIndex('network', (vm) =>
      (vm.spec.networks ?? []).flatMap((n) => ref(vm, n.networkRef.name)),
    );
    vms.addIndex(SET_INDEX, owningSet);
    this.metrics.trackVMPhases(() => vms.list());

    const recorder = new KubeEventRecorder(this.client, this.log);
    const endpoints = new ProviderEndpoints(
      this.client,
      services,
      this.addressResolver ??
        createResolver(
          o.serviceAddressSource,
          (service) => slices?.byIndex('service', service) ?? [],
        ),
    );
    // Observed by the VM controller's own watch, which skips the echoes of settling writes.
    const expectations = new WriteExpectations();
    const caches = { providers, classes, images, networks };
    const gateway = this.gateway;

    const ownerProvider = (obj: KubeObject) =>
      (obj.metadata.ownerReferences ?? [])
        .filter((r) => r.kind === 'Provider')
        .map((r) => `${obj.metadata.namespace}/${r.name}`);
    this.controller(
      'provider',
      o.concurrency.provider,
      new ProviderReconciler({
        client: this.client,
        providers,
        deployments,
        services,
        configMaps,
        endpoints,
        gateway,
        recorder,
        imageTag: o.providerImageTag,
        healthIntervalMs: o.providerHealthIntervalMs,
      }),
    )
      .watchesOwn(providers)
      .watches(deployments, ownerProvider)
      .watches(services, ownerProvider)
      .watches(configMaps, ownerProvider);

    const referrers = (index: string) => (obj: KubeObject, old: KubeObject | undefined) =>
      old && old.metadata.generation === obj.metadata.generation
        ? []
        : vms.byIndex(index, keyOf(obj)).map(keyOf);
    this.controller(
      'virtualmachine',
      o.concurrency.vm,
      new VirtualMachineReconciler({
        client: this.client,
        vms,
        caches,
        endpoints,
        gateway,
        recorder,
        expectations,
        resyncPeriodMs: o.vmResyncPeriodMs,
        taskPollBaseMs: o.taskPollBaseMs,
        taskPollMaxMs: o.taskPollMaxMs,
        permanentErrorRetryMs: o.permanentErrorRetryMs,
      }),
    )
      .watches(vms, (vm, old) => (expectations.observe(vm, old) ? [] : [keyOf(vm)]))
      .watches(providers, (p, old) =>
        providerChanged(p, old) ? vms.byIndex('provider', keyOf(p)).map(keyOf) : [],
      )
      .watches(classes, referrers('class'))
      .watches(images, referrers('image'))
      .watches(networks, referrers('network'));

    const vmDeps = { vms, providers, endpoints, gateway, client: this.client, recorder };
    const byVM =
      <T extends KubeObject>(informer: Informer<T>, vmName: (o: T) => string) =>
      (vm: VM) =>
        informer
          .list(vm.metadata.namespace)
          .filter((o) => vmName(o) === vm.metadata.name)
          .map(keyOf);
    this.controller(
      'vmsnapshot',
      o.concurrency.snapshot,
      new VMSnapshotReconciler({
        ...vmDeps,
        snapshots,
        expectations: writeExpectations(snapshots),
        taskPollMs: 500,
        permanentErrorRetryMs: o.permanentErrorRetryMs,
      }),
    )
      .watchesOwn(snapshots)
      .watches(
        vms,
        byVM(snapshots, (s) => s.spec.vmRef.name),
      );
    this.controller(
      'vmclone',
      o.concurrency.clone,
      new VMCloneReconciler({
        ...vmDeps,
        clones,
        expectations: writeExpectations(clones),
        snapshots,
        classes,
        taskPollMs: 500,
        permanentErrorRetryMs: o.permanentErrorRetryMs,
      }),
    )
      .watchesOwn(clones)
      .watches(
        vms,
        byVM(clones, (c) => c.spec.sourceRef.name),
      );
    this.controller(
      'vmset',
      o.concurrency.vmset,
      new VMSetReconciler({ client: this.client, recorder, sets, vms }),
    )
      .watchesOwn(sets)
      .watches(vms, owningSet);
  }
}

/** Expectations of a controller's own writes, satisfied as the informer delivers them. */
function writeExpectations<T extends KubeObject>(informer: Informer<T>): WriteExpectations {
  const expectations = new WriteExpectations();
  informer.on((_type, obj) => expectations.observe(obj));
  return expectations;
}

/** VMs care about their Provider's readiness, spec and capabilities, not its health timestamps. */
function providerChanged(p: Cached<Provider>, old: Cached<Provider> | undefined): boolean {
  if (!old) return true;
  const ready = (x: Cached<Provider>) =>
    x.status?.conditions?.find((c) => c.type === 'Ready')?.status;
  return (
    ready(p) !== ready(old) ||
    p.metadata.generation !== old.metadata.generation ||
    String(p.status?.capabilities) !== String(old.status?.capabilities) ||
    p.status?.serviceAddress !== old.status?.serviceAddress
  );
}

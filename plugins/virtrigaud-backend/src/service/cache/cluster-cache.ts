// One cluster's informer cache: VirtualMachines, Providers, VMClasses, VMImages,
// VMNetworkAttachments and the provider Deployments and Services, each kept current by list+watch
// (relist on 410 Gone) through @virtrigaud/kube's Informer. Requests are answered from here, never by
// a Kubernetes API call.
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { KubeConfig } from '@kubernetes/client-node';
import type {
  Provider,
  VirtualMachine,
  VMClass,
  VMImage,
  VMNetworkAttachment,
} from '@virtrigaud/api';
import { LABEL_NAME, PROVIDER_APP_NAME, Resources } from '@virtrigaud/api';
import {
  Informer,
  KubeClient,
  KubeResources,
  type KubeObject,
  type ServiceLike,
} from '@virtrigaud/kube';
import { informerLogger } from './logger-adapter';

export interface DeploymentLike extends KubeObject {
  spec?: { replicas?: number };
  status?: { replicas?: number; readyReplicas?: number; availableReplicas?: number };
}

/** Index of VMs by the Provider they reference: `<namespace>/<provider name>`. */
export const VMS_BY_PROVIDER = 'byProvider';

const PROVIDER_WORKLOADS = `${LABEL_NAME}=${PROVIDER_APP_NAME}`;

export class ClusterCache {
  readonly client: KubeClient;
  readonly vms: Informer<VirtualMachine>;
  readonly providers: Informer<Provider>;
  readonly classes: Informer<VMClass>;
  readonly images: Informer<VMImage>;
  readonly networks: Informer<VMNetworkAttachment>;
  readonly deployments: Informer<DeploymentLike>;
  readonly services: Informer<ServiceLike>;

  constructor(
    readonly name: string,
    readonly kubeConfig: KubeConfig,
    logger: LoggerService,
  ) {
    this.client = new KubeClient(kubeConfig, undefined, 'backstage-virtrigaud');
    const log = informerLogger(logger.child({ cluster: name }));
    const informer = <T extends KubeObject>(
      type: (typeof Resources)[keyof typeof Resources],
      labelSelector?: string,
    ) => new Informer<T>(this.client, type, { log, labelSelector });
    this.vms = informer(Resources.VirtualMachine);
    this.providers = informer(Resources.Provider);
    this.classes = informer(Resources.VMClass);
    this.images = informer(Resources.VMImage);
    this.networks = informer(Resources.VMNetworkAttachment);
    this.deployments = informer(KubeResources.Deployment, PROVIDER_WORKLOADS);
    this.services = informer(KubeResources.Service, PROVIDER_WORKLOADS);
    this.vms.addIndex(VMS_BY_PROVIDER, (vm) => [
      `${vm.metadata.namespace}/${vm.spec.providerRef.name}`,
    ]);
  }

  private get all(): Informer<KubeObject>[] {
    return [
      this.vms,
      this.providers,
      this.classes,
      this.images,
      this.networks,
      this.deployments,
      this.services,
    ] as unknown as Informer<KubeObject>[];
  }

  /** Resolves once every kind has been listed once. */
  async start(): Promise<void> {
    await Promise.all(this.all.map((informer) => informer.start()));
  }

  stop(): void {
    for (const informer of this.all) informer.stop();
  }

  get synced(): boolean {
    return this.all.every((informer) => informer.hasSynced());
  }
}

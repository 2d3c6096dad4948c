// The Node this kubelet stands for: created if missing, its status (Ready, addresses, capacity,
// node info) written on start, and kept alive like a real kubelet's: the Lease in
// kube-node-lease renewed, and the Ready condition's heartbeat refreshed, every interval.
import os from 'node:os';
import {
  CoordinationV1Api,
  CoreV1Api,
  PatchStrategy,
  setHeaderOptions,
  type KubeConfig,
} from '@kubernetes/client-node';

const LEASE_NAMESPACE = 'kube-node-lease';
const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

/** A MicroTime (RFC 3339 with six fractional digits), as Lease renewTime requires. */
function microTime(date = new Date()): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

function isStatus(error: unknown, code: number): boolean {
  return (error as { code?: number }).code === code;
}

export class NodeRegistration {
  private readonly core: CoreV1Api;
  private readonly coordination: CoordinationV1Api;
  private timer?: NodeJS.Timeout;
  private readonly since = new Date().toISOString();

  constructor(
    kc: KubeConfig,
    private readonly nodeName: string,
    private readonly hostIP: string,
    private readonly podCIDR: string | undefined,
    private readonly heartbeatMs: number,
  ) {
    this.core = kc.makeApiClient(CoreV1Api);
    this.coordination = kc.makeApiClient(CoordinationV1Api);
  }

  async register(): Promise<void> {
    const labels = {
      'kubernetes.io/hostname': this.nodeName,
      'kubernetes.io/os': process.platform,
      'kubernetes.io/arch': process.arch,
    };
    await this.core
      .createNode({
        body: {
          metadata: { name: this.nodeName, labels },
          spec: this.podCIDR ? { podCIDR: this.podCIDR, podCIDRs: [this.podCIDR] } : {},
        },
      })
      .catch((error) => {
        if (!isStatus(error, 409)) throw error;
      });
    await this.core.patchNodeStatus(
      { name: this.nodeName, body: { status: this.status() } },
      mergePatch,
    );
    await this.coordination
      .createNamespacedLease({
        namespace: LEASE_NAMESPACE,
        body: {
          metadata: { name: this.nodeName },
          spec: { holderIdentity: this.nodeName, leaseDurationSeconds: 40 },
        },
      })
      .catch((error) => {
        if (!isStatus(error, 409)) throw error;
      });
    await this.heartbeat();
    this.timer = setInterval(
      () =>
        void this.heartbeat().catch((error) =>
          process.emitWarning(`devcluster kubelet: heartbeat failed: ${String(error)}`),
        ),
      this.heartbeatMs,
    );
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async heartbeat(): Promise<void> {
    await this.coordination.patchNamespacedLease(
      {
        name: this.nodeName,
        namespace: LEASE_NAMESPACE,
        body: { spec: { holderIdentity: this.nodeName, renewTime: microTime() } },
      },
      mergePatch,
    );
    await this.core.patchNodeStatus(
      { name: this.nodeName, body: { status: { conditions: [this.ready()] } } },
      mergePatch,
    );
  }

  private ready() {
    return {
      type: 'Ready',
      status: 'True',
      reason: 'KubeletReady',
      message: 'devcluster kubelet is posting ready status',
      lastHeartbeatTime: new Date().toISOString(),
      lastTransitionTime: this.since,
    };
  }

  private status() {
    const resources = {
      cpu: String(os.availableParallelism()),
      memory: `${Math.floor(os.totalmem() / 1024)}Ki`,
      pods: '110',
    };
    return {
      conditions: [this.ready()],
      addresses: [
        { type: 'InternalIP', address: this.hostIP },
        { type: 'Hostname', address: this.nodeName },
      ],
      capacity: resources,
      allocatable: resources,
      nodeInfo: {
        kubeletVersion: 'v1.32.0-devcluster',
        operatingSystem: process.platform,
        architecture: process.arch,
        containerRuntimeVersion: `node://${process.version}`,
        kernelVersion: os.release(),
        osImage: os.type(),
        machineID: '',
        systemUUID: '',
        bootID: '',
        kubeProxyVersion: '',
      },
    };
  }
}

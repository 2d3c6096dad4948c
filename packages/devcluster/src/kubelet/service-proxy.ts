// Each Service port gets a TCP proxy on 127.0.0.1:0 that round-robins over the ready pods the
// Service selects (at their address and port for the targetPort). The proxy addresses are
// published on the Service as the annotation `devcluster.virtrigaud.io/addresses`: a JSON object
// mapping port name and port number to `127.0.0.1:<port>`, the one seam through which local
// clients outside the pods' network (the operator's address resolution) reach a Service.
import net from 'node:net';
import {
  CoreV1Api,
  PatchStrategy,
  setHeaderOptions,
  type KubeConfig,
  type V1Pod,
  type V1Service,
} from '@kubernetes/client-node';
import { DEVCLUSTER_ADDRESSES_ANNOTATION } from '@virtrigaud/kube';
import { isPodReady } from '../controllers/replicaset-controller';
import { WorkQueue } from '../controllers/work-queue';
import { matchesLabelSelector } from '../store/selectors';
import { watched, type Watched } from './watched';

/** Where a pod serves a Service targetPort (number or port name), if it runs here. */
export type EndpointResolver = (
  pod: V1Pod,
  targetPort: number | string,
) => { host: string; port: number } | undefined;

interface PortProxy {
  server: net.Server;
  address: string;
  next: number;
  sockets: Set<net.Socket>;
}

const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

export class ServiceProxies {
  /** service uid -> service port key (name/port/targetPort) -> proxy */
  private readonly proxies = new Map<string, Map<string, PortProxy>>();
  private readonly queue: WorkQueue;
  private readonly services: Watched<V1Service>;
  private readonly core: CoreV1Api;

  constructor(
    kc: KubeConfig,
    private readonly pods: Pick<Watched<V1Pod>, 'list'>,
    private readonly resolve: EndpointResolver,
  ) {
    this.core = kc.makeApiClient(CoreV1Api);
    this.queue = new WorkQueue(
      'service proxy',
      (key) =>
        void this.reconcile(key).catch((error) =>
          process.emitWarning(`devcluster service proxy: ${String(error)}`),
        ),
    );
    this.services = watched(
      kc,
      '/api/v1/services',
      () => this.core.listServiceForAllNamespaces(),
      (service, deleted) => {
        if (deleted) this.closeService(service.metadata!.uid!);
        else this.queue.add(`${service.metadata!.namespace}/${service.metadata!.name}`);
      },
    );
  }

  start(): Promise<void> {
    return this.services.start();
  }

  private async reconcile(key: string): Promise<void> {
    const [namespace, name] = [key.slice(0, key.indexOf('/')), key.slice(key.indexOf('/') + 1)];
    const service = this.services.get(name, namespace);
    if (!service || service.spec?.type === 'ExternalName') return;
    const uid = service.metadata!.uid!;
    const wanted = new Map(
      (service.spec?.ports ?? []).map((p) => [
        `${p.name ?? ''}/${p.port}/${p.targetPort ?? p.port}`,
        p,
      ]),
    );
    const current = this.proxies.get(uid) ?? new Map<string, PortProxy>();
    this.proxies.set(uid, current);
    for (const [portKey, proxy] of current) {
      if (!wanted.has(portKey)) {
        this.closeProxy(proxy);
        current.delete(portKey);
      }
    }
    for (const [portKey, port] of wanted) {
      if (!current.has(portKey))
        current.set(portKey, await this.listen(namespace, uid, port.targetPort ?? port.port));
    }
    const addresses: Record<string, string> = {};
    for (const [portKey, proxy] of current) {
      const port = wanted.get(portKey)!;
      if (port.name) addresses[port.name] = proxy.address;
      addresses[String(port.port)] = proxy.address;
    }
    const published = JSON.stringify(addresses);
    const latest = this.services.get(name, namespace);
    if (
      latest?.metadata?.uid !== uid ||
      latest.metadata.annotations?.[DEVCLUSTER_ADDRESSES_ANNOTATION] === published
    )
      return;
    await this.core.patchNamespacedService(
      {
        name,
        namespace,
        body: { metadata: { uid, annotations: { [DEVCLUSTER_ADDRESSES_ANNOTATION]: published } } },
      },
      mergePatch,
    );
  }

  private listen(
    namespace: string,
    serviceUid: string,
    targetPort: number | string,
  ): Promise<PortProxy> {
    const proxy: PortProxy = {
      server: net.createServer(),
      address: '',
      next: 0,
      sockets: new Set(),
    };
    proxy.server.on('connection', (client) =>
      this.forward(proxy, client, namespace, serviceUid, targetPort),
    );
    return new Promise((resolve, reject) => {
      proxy.server.once('error', reject);
      proxy.server.listen(0, '127.0.0.1', () => {
        proxy.address = `127.0.0.1:${(proxy.server.address() as net.AddressInfo).port}`;
        resolve(proxy);
      });
    });
  }

  private endpoints(namespace: string, serviceUid: string, targetPort: number | string) {
    const service = this.services.list(namespace).find((s) => s.metadata?.uid === serviceUid);
    const selector = service?.spec?.selector;
    if (!selector) return [];
    return this.pods
      .list(namespace)
      .filter(
        (pod) =>
          isPodReady(pod) &&
          matchesLabelSelector({ matchLabels: selector }, pod.metadata?.labels ?? {}),
      )
      .map((pod) => this.resolve(pod, targetPort))
      .filter((endpoint) => endpoint !== undefined);
  }

  private forward(
    proxy: PortProxy,
    client: net.Socket,
    namespace: string,
    serviceUid: string,
    targetPort: number | string,
  ): void {
    const endpoints = this.endpoints(namespace, serviceUid, targetPort);
    if (endpoints.length === 0) return void client.destroy();
    const upstream = net.connect(endpoints[proxy.next++ % endpoints.length]);
    proxy.sockets.add(client).add(upstream);
    const cleanup = () => {
      client.destroy();
      upstream.destroy();
      proxy.sockets.delete(client);
      proxy.sockets.delete(upstream);
    };
    client.on('error', cleanup).on('close', cleanup);
    upstream.on('error', cleanup).on('close', cleanup);
    client.pipe(upstream).pipe(client);
  }

  private closeProxy(proxy: PortProxy): void {
    proxy.server.close();
    for (const socket of proxy.sockets) socket.destroy();
  }

  private closeService(uid: string): void {
    for (const proxy of this.proxies.get(uid)?.values() ?? []) this.closeProxy(proxy);
    this.proxies.delete(uid);
  }

  async close(): Promise<void> {
    this.queue.close();
    await this.services.stop();
    for (const uid of [...this.proxies.keys()]) this.closeService(uid);
  }
}

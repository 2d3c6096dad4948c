// Each Service port gets a TCP proxy on 127.0.0.1:0 that round-robins over the ready pods the
// Service selects (at their loopback port for the targetPort). The proxy addresses are published
// on the Service as the annotation `devcluster.virtrigaud.io/addresses`: a JSON object mapping
// port name and port number to `127.0.0.1:<port>`, the one seam through which local clients
// (the operator's address resolution) reach a Service.
import net from 'node:net';
import type { Objects } from '../api/objects';
import type { ResourceType } from '../api/resource-type';
import type { StoredObject } from '../api/types';
import { isPodReady } from '../controllers/replicaset-controller';
import { WorkQueue } from '../controllers/work-queue';
import type { PortResolver } from '../controllers/endpoints-controller';
import { matchesLabelSelector } from '../store/selectors';
import type { StoreEvent } from '../store/store';

/* eslint-disable @typescript-eslint/no-explicit-any -- service specs are arbitrary user JSON */

export const ADDRESSES_ANNOTATION = 'devcluster.virtrigaud.io/addresses';

interface PortProxy {
  server: net.Server;
  address: string;
  next: number;
  sockets: Set<net.Socket>;
}

export class ServiceProxies {
  /** service uid -> service port key (name/port/targetPort) -> proxy */
  private readonly proxies = new Map<string, Map<string, PortProxy>>();
  private readonly queue: WorkQueue;
  private readonly unsubscribe: () => void;
  private readonly services: ResourceType;
  private readonly pods: ResourceType;

  constructor(
    private readonly objects: Objects,
    private readonly resolvePort: PortResolver,
  ) {
    this.services = objects.registry.lookup('', 'v1', 'services')!;
    this.pods = objects.registry.lookup('', 'v1', 'pods')!;
    this.queue = new WorkQueue(
      'service proxy',
      (key) =>
        void this.reconcile(key).catch((error) =>
          process.emitWarning(`devcluster service proxy: ${String(error)}`),
        ),
    );
    this.unsubscribe = objects.store.subscribe((event) => this.onEvent(event));
    for (const service of objects.store.list(this.services.storageKey))
      this.queue.add(`${service.metadata.namespace}/${service.metadata.name}`);
  }

  private onEvent({ storageKey, object, type }: StoreEvent): void {
    if (storageKey !== this.services.storageKey) return;
    if (type === 'DELETED') this.closeService(object.metadata.uid);
    else this.queue.add(`${object.metadata.namespace}/${object.metadata.name}`);
  }

  private async reconcile(key: string): Promise<void> {
    const [namespace, name] = [key.slice(0, key.indexOf('/')), key.slice(key.indexOf('/') + 1)];
    const service = this.objects.find(this.services, namespace, name) as any;
    if (!service || service.spec?.type === 'ExternalName') return;
    const uid = service.metadata.uid;
    const wanted = new Map<string, any>(
      (service.spec.ports ?? []).map((p: any) => [
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
      if (!current.has(portKey)) current.set(portKey, await this.listen(namespace, uid, port));
    }
    const addresses: Record<string, string> = {};
    for (const [portKey, proxy] of current) {
      const port = wanted.get(portKey);
      if (port.name) addresses[port.name] = proxy.address;
      addresses[String(port.port)] = proxy.address;
    }
    await this.publish(namespace, name, uid, JSON.stringify(addresses));
  }

  private async publish(
    namespace: string,
    name: string,
    uid: string,
    addresses: string,
  ): Promise<void> {
    const latest = this.objects.find(this.services, namespace, name);
    if (
      !latest ||
      latest.metadata.uid !== uid ||
      latest.metadata.annotations?.[ADDRESSES_ANNOTATION] === addresses
    )
      return;
    this.objects.update(this.services, namespace, name, {
      ...latest,
      metadata: {
        ...latest.metadata,
        annotations: { ...latest.metadata.annotations, [ADDRESSES_ANNOTATION]: addresses },
      },
    });
  }

  private listen(namespace: string, serviceUid: string, port: any): Promise<PortProxy> {
    const proxy: PortProxy = {
      server: net.createServer(),
      address: '',
      next: 0,
      sockets: new Set(),
    };
    proxy.server.on('connection', (client) =>
      this.forward(proxy, client, namespace, serviceUid, port.targetPort ?? port.port),
    );
    return new Promise((resolve, reject) => {
      proxy.server.once('error', reject);
      proxy.server.listen(0, '127.0.0.1', () => {
        proxy.address = `127.0.0.1:${(proxy.server.address() as net.AddressInfo).port}`;
        resolve(proxy);
      });
    });
  }

  private endpoints(namespace: string, serviceUid: string, targetPort: number | string): number[] {
    const service = this.objects.store.getByUid(serviceUid)?.object as any;
    if (!service?.spec?.selector) return [];
    return this.objects.store
      .list(this.pods.storageKey, namespace)
      .filter(
        (pod: StoredObject) =>
          isPodReady(pod) &&
          matchesLabelSelector({ matchLabels: service.spec.selector }, pod.metadata.labels ?? {}),
      )
      .map((pod) => this.resolvePort(pod, targetPort))
      .filter((p): p is number => p !== undefined);
  }

  private forward(
    proxy: PortProxy,
    client: net.Socket,
    namespace: string,
    serviceUid: string,
    targetPort: number | string,
  ): void {
    const ports = this.endpoints(namespace, serviceUid, targetPort);
    if (ports.length === 0) return void client.destroy();
    const port = ports[proxy.next++ % ports.length];
    const upstream = net.connect({ host: '127.0.0.1', port });
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

  close(): void {
    this.unsubscribe();
    this.queue.close();
    for (const uid of [...this.proxies.keys()]) this.closeService(uid);
  }
}

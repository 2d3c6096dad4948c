// Where a pod listens. Two modes:
// - loopback (the default, needs no privileges): every pod has podIP 127.0.0.1, and since all
//   pods share that address, each declared containerPort gets a free loopback port of its own;
// - pod CIDR (`PodCidrNetwork`): every pod has an address of its own and keeps its declared ports.
import net from 'node:net';

/** A pod's addresses and, per declared containerPort, the port it really listens on. */
export interface PodAddress {
  podIP: string;
  hostIP: string;
  ports: Map<number, number>;
}

export interface PodNetwork {
  /** The node's address (status.hostIP of its pods, the Node's InternalIP). */
  readonly hostIP: string;
  /** Addresses a pod; `previousIP` (from its status, after a kubelet restart) is kept if possible. */
  attach(containerPorts: number[], previousIP?: string): Promise<PodAddress>;
  detach(address: PodAddress): Promise<void>;
}

export const LOOPBACK = '127.0.0.1';

function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export class LoopbackNetwork implements PodNetwork {
  readonly hostIP = LOOPBACK;

  async attach(containerPorts: number[]): Promise<PodAddress> {
    const ports = new Map<number, number>();
    for (const port of containerPorts) ports.set(port, await freeLoopbackPort());
    return { podIP: LOOPBACK, hostIP: LOOPBACK, ports };
  }

  async detach(): Promise<void> {}
}

// Loopback ports for containers: every pod would bind the same containerPort, so each declared
// port gets a free 127.0.0.1 port of its own.
import net from 'node:net';

export async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** containerPort -> allocated loopback port, for every port the container declares. */
export async function allocatePorts(
  ports: { containerPort: number }[] = [],
): Promise<Map<number, number>> {
  const allocated = new Map<number, number>();
  for (const { containerPort } of ports) allocated.set(containerPort, await freeLoopbackPort());
  return allocated;
}

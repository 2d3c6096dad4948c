// The metrics endpoint of a Provider with several replicas as Prometheus sees it: every replica's
// /metrics (concatenated, as a scrape of all pods would collect them), and /healthz or /readyz
// 200 only when every replica says 200. Serves on 127.0.0.1, port 0.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReplicaMetrics {
  url: string;
  close(): Promise<void>;
}

export async function serveReplicaMetrics(metricsAddresses: string[]): Promise<ReplicaMetrics> {
  const server = http.createServer((req, res) => {
    void Promise.all(
      metricsAddresses.map((address) => fetch(`http://${address}${req.url ?? '/'}`)),
    ).then(
      async (answers) => {
        const bodies = await Promise.all(answers.map((a) => a.text()));
        res.writeHead(answers.every((a) => a.ok) ? 200 : 503, { 'content-type': 'text/plain' });
        res.end(bodies.join('\n'));
      },
      () => {
        res.writeHead(503);
        res.end();
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

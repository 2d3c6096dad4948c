// The metrics endpoint (/metrics) and the health endpoints (/healthz liveness, /readyz readiness:
// caches synced) the manager Deployment's probes call.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export interface ListenAddress {
  host: string;
  port: number;
}

/** ":8080" → all interfaces; "127.0.0.1:0" → loopback, any port; "0" → disabled. */
export function parseListenAddress(addr: string): ListenAddress | undefined {
  if (addr === '0' || addr === '') return undefined;
  const colon = addr.lastIndexOf(':');
  const host = colon > 0 ? addr.slice(0, colon).replace(/^\[|\]$/g, '') : '0.0.0.0';
  const port = Number(addr.slice(colon + 1));
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`invalid listen address "${addr}": expected [host]:port`);
  }
  return { host, port };
}

export async function listen(server: Server, address: ListenAddress): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(address.port, address.host, () => resolve());
  });
  const bound = server.address() as AddressInfo;
  return `${bound.address}:${bound.port}`;
}

export function metricsServer(registry: Registry): Server {
  return createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    registry.metrics().then(
      (body) => res.writeHead(200, { 'Content-Type': registry.contentType }).end(body),
      (err: unknown) => res.writeHead(500).end(String(err)),
    );
  });
}

export function healthServer(checks: { live: () => boolean; ready: () => boolean }): Server {
  return createServer((req, res) => {
    const check =
      req.url === '/healthz' ? checks.live : req.url === '/readyz' ? checks.ready : undefined;
    if (!check) {
      res.writeHead(404).end();
      return;
    }
    const ok = check();
    res.writeHead(ok ? 200 : 503, { 'Content-Type': 'text/plain' }).end(ok ? 'ok' : 'not ready');
  });
}

export function close(server: Server | undefined): Promise<void> {
  if (!server?.listening) return Promise.resolve();
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

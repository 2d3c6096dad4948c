// The seed's listen addresses (`:9090`, `127.0.0.1:0`, `[::1]:8080`) as host and port.
export interface ListenAddress {
  /** Undefined = every interface. */
  host?: string;
  port: number;
}

export function parseListenAddress(address: string, what: string): ListenAddress {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(address);
  const port = Number(match?.[3]);
  if (!match || port > 65535) throw new Error(`${what}: "${address}" is not host:port or :port`);
  const host = match[1] ?? match[2];
  return { host: host === '' ? undefined : host, port };
}

/** host:port for grpc-js; every interface is `[::]` (dual stack), or 0.0.0.0 where IPv6 is off. */
export function grpcBindTargets({ host, port }: ListenAddress): string[] {
  if (host === undefined) return [`[::]:${port}`, `0.0.0.0:${port}`];
  return [host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`];
}

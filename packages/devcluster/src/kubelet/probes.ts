// Readiness/liveness probes against a container's address and ports: gRPC (grpc.health.v1.Health/
// Check), HTTP GET, TCP connect and exec, with the probe's own timeout.
import { spawn } from 'node:child_process';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { credentials, makeGenericClientConstructor, type ServiceError } from '@grpc/grpc-js';

/* eslint-disable @typescript-eslint/no-explicit-any -- probe specs are arbitrary user JSON */

export interface ProbeTarget {
  /** The pod's address. */
  host: string;
  /** A probe port (number or container port name) -> the port to dial. */
  resolvePort(port: number | string): number | undefined;
  env: Record<string, string>;
}

/** HealthCheckRequest { string service = 1 } and HealthCheckResponse { ServingStatus status = 1 }. */
function encodeHealthRequest(service: string): Buffer {
  const name = Buffer.from(service, 'utf8');
  return name.length ? Buffer.concat([Buffer.from([0x0a, name.length]), name]) : Buffer.alloc(0);
}

function decodeHealthStatus(message: Buffer): number {
  return message.length >= 2 && message[0] === 0x08 ? message[1] : 0;
}

const HealthClient = makeGenericClientConstructor(
  {
    check: {
      path: '/grpc.health.v1.Health/Check',
      requestStream: false,
      responseStream: false,
      requestSerialize: (service: string) => encodeHealthRequest(service),
      requestDeserialize: (b: Buffer) => b.toString(),
      responseSerialize: (s: number) => Buffer.from([0x08, s]),
      responseDeserialize: decodeHealthStatus,
    },
  },
  'Health',
);

const SERVING = 1;

function grpcProbe(
  host: string,
  port: number,
  service: string,
  timeoutMs: number,
): Promise<boolean> {
  const client = new HealthClient(`${host}:${port}`, credentials.createInsecure());
  return new Promise<boolean>((resolve) => {
    (client as any).check(
      service,
      { deadline: Date.now() + timeoutMs },
      (error: ServiceError | null, status: number) => resolve(!error && status === SERVING),
    );
  }).finally(() => client.close());
}

function httpProbe(host: string, port: number, spec: any, timeoutMs: number): Promise<boolean> {
  const scheme = (spec.scheme ?? 'HTTP').toUpperCase();
  const headers = Object.fromEntries((spec.httpHeaders ?? []).map((h: any) => [h.name, h.value]));
  const request = scheme === 'HTTPS' ? https.request : http.request;
  return new Promise((resolve) => {
    const req = request(
      {
        host,
        port,
        path: spec.path ?? '/',
        method: 'GET',
        headers,
        timeout: timeoutMs,
        rejectUnauthorized: false,
      },
      (res) => {
        res.resume();
        resolve((res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 400);
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

function tcpProbe(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: timeoutMs });
    socket.on('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.on('error', () => resolve(false));
  });
}

function execProbe(
  command: string[],
  env: Record<string, string>,
  timeoutMs: number,
): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(command[0], command.slice(1), { env, stdio: 'ignore', timeout: timeoutMs });
    child.on('error', () => resolve(false));
    child.on('exit', (code) => resolve(code === 0));
  });
}

/** Runs one probe once; true when it succeeds. */
export async function runProbe(probe: any, target: ProbeTarget): Promise<boolean> {
  const timeoutMs = (probe.timeoutSeconds ?? 1) * 1000;
  const port = (spec: any) => target.resolvePort(spec.port);
  if (probe.grpc) {
    const resolved = port(probe.grpc);
    return (
      resolved !== undefined &&
      grpcProbe(target.host, resolved, probe.grpc.service ?? '', timeoutMs)
    );
  }
  if (probe.httpGet) {
    const resolved = port(probe.httpGet);
    return resolved !== undefined && httpProbe(target.host, resolved, probe.httpGet, timeoutMs);
  }
  if (probe.tcpSocket) {
    const resolved = port(probe.tcpSocket);
    return resolved !== undefined && tcpProbe(target.host, resolved, timeoutMs);
  }
  if (probe.exec?.command?.length) return execProbe(probe.exec.command, target.env, timeoutMs);
  return true;
}

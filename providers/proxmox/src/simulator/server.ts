// A Proxmox VE API server for tests: HTTPS on 127.0.0.1, `/api2/json`, and every request checked
// against the official API schema before anything else happens. It is a test double that is
// faithful by construction: a request the real API would reject for its path, method or
// parameters is rejected here the same way (400 with per-parameter `errors`, 501 for unknown
// methods), so the provider cannot come to rely on something Proxmox would refuse. Endpoints that
// exist in the schema but are not modeled answer 501 with a message saying so, which fails the
// test that made the call.
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { ApiSchema, type Endpoint, type ParamSchema } from './api-schema';
import { Authenticator, type Caller, type SimToken, type SimUser } from './auth';
import { Cluster, type SeedVm } from './cluster';
import { PveError } from './pve-error';
import { propertySchema, verifyParameters, type RawParams } from './parameters';
import { QEMU_ROUTES } from './qemu-routes';
import { CLUSTER_ROUTES, type Route } from './routes';
import { TaskList } from './tasks';

export interface SimulatorOptions {
  /** PEM certificate and key the server presents. */
  tls: { cert: string; key: string };
  nodes?: string[];
  storages?: string[];
  /** VMs and templates present at start. */
  vms?: SeedVm[];
  /** ISO images and disk images to import on the storages: volume id → size in GiB. */
  files?: Record<string, number>;
  tokens?: SimToken[];
  users?: SimUser[];
  /** How long each task runs (default 20 ms). */
  taskDelayMs?: number;
  /** Latency added to every response (to test deadlines). */
  responseDelayMs?: number;
  schema?: ApiSchema;
}

export interface RecordedRequest {
  method: string;
  path: string;
  /** The schema path template the request matched, when it matched one. */
  template?: string;
  /** Parameter names sent (path parameters excluded); values are not kept (they may be secrets). */
  parameterNames: string[];
  status: number;
  message?: string;
}

const API_ROOT = '/api2/json';
const ROUTES: Record<string, Route> = { ...CLUSTER_ROUTES, ...QEMU_ROUTES };

let sharedSchema: ApiSchema | undefined;

export class ProxmoxSimulator {
  readonly requests: RecordedRequest[] = [];
  readonly cluster: Cluster;
  readonly tasks: TaskList;
  readonly auth: Authenticator;
  taskDelayMs: number;
  responseDelayMs: number;
  /**
   * Called with every successful request and its answer before the answer is sent, so a test can
   * act as another client between two calls of the provider (take the VMID it was just given).
   */
  onAnswer?: (request: RecordedRequest, data: unknown) => void;
  private readonly schema: ApiSchema;
  private readonly configSchema: Record<string, ParamSchema>;
  private server?: https.Server;
  /** Ends the response delays of requests still waiting when the simulator stops. */
  private readonly stopping = new AbortController();
  url = '';

  constructor(private readonly options: SimulatorOptions) {
    this.schema = options.schema ?? (sharedSchema ??= ApiSchema.load());
    this.cluster = new Cluster(
      options.nodes ?? ['pve1'],
      options.storages ?? ['local-lvm'],
      options.vms,
      options.files,
    );
    this.taskDelayMs = options.taskDelayMs ?? 20;
    this.responseDelayMs = options.responseDelayMs ?? 0;
    this.tasks = new TaskList(() => this.taskDelayMs);
    this.auth = new Authenticator(options.tokens ?? [], options.users ?? []);
    const create = this.schema.match('POST', '/nodes/n/qemu');
    this.configSchema =
      create.kind === 'endpoint' ? (create.endpoint.info.parameters?.properties ?? {}) : {};
  }

  static async start(options: SimulatorOptions): Promise<ProxmoxSimulator> {
    const simulator = new ProxmoxSimulator(options);
    await simulator.listen();
    return simulator;
  }

  private async listen(): Promise<void> {
    const server = https.createServer(this.options.tls, (req, res) => void this.handle(req, res));
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    this.stopping.abort();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://localhost');
    const method = req.method ?? 'GET';
    const record: RecordedRequest = { method, path: url.pathname, parameterNames: [], status: 0 };
    let status = 200;
    let body: Record<string, unknown>;
    try {
      const params = parseParams(url, await readBody(req), req.headers['content-type']);
      record.parameterNames = Object.keys(params);
      const data = await this.dispatch(method, url.pathname, params, req, record);
      this.onAnswer?.(record, data);
      body = { data };
    } catch (err) {
      const error = err instanceof PveError ? err : new PveError(500, (err as Error).message);
      status = error.status;
      record.message = error.message;
      body = {
        data: null,
        message: `${error.message}\n`,
        ...(error.errors ? { errors: error.errors } : {}),
      };
    }
    record.status = status;
    this.requests.push(record);
    if (this.responseDelayMs > 0) {
      const { signal } = this.stopping;
      const answer = await delay(this.responseDelayMs, true, { signal }).catch(() => false);
      if (!answer) return; // stopped meanwhile: the connection is already closed
    }
    const text = JSON.stringify(body);
    res.writeHead(status, reasonPhrase(status === 200 ? 'OK' : (record.message ?? '')), {
      'Content-Type': 'application/json;charset=UTF-8',
      'Content-Length': Buffer.byteLength(text),
    });
    res.end(text);
  }

  private async dispatch(
    method: string,
    pathname: string,
    params: RawParams,
    req: IncomingMessage,
    record: RecordedRequest,
  ): Promise<unknown> {
    if (!pathname.startsWith(`${API_ROOT}/`))
      throw new PveError(501, `Unsupported format in '${pathname}'`);
    const apiPath = pathname.slice(API_ROOT.length);
    const match = this.schema.match(method, apiPath);
    if (match.kind !== 'endpoint')
      throw new PveError(501, `Method '${method} ${apiPath}' not implemented`);
    const { endpoint, pathParams } = match;
    record.template = endpoint.template;
    const caller = this.authenticate(endpoint, method, req);
    const errors = verifyParameters(endpoint.info.parameters ?? {}, { ...params, ...pathParams });
    if (Object.keys(errors).length)
      throw new PveError(400, 'Parameter verification failed.', errors);
    if (endpoint.template === '/access/ticket' && method === 'POST') {
      return this.auth.login(String(params.username), String(params.password));
    }
    if (method !== 'GET' && !caller?.privileged) {
      throw new PveError(403, `Permission check failed (${apiPath}, VM.PowerMgmt)`);
    }
    const route = ROUTES[`${method} ${endpoint.template}`];
    if (!route) {
      throw new PveError(
        501,
        `simulator: '${method} ${endpoint.template}' is in the Proxmox API but not modeled by the simulator`,
      );
    }
    this.tasks.settle();
    const single = Object.fromEntries(
      Object.entries({ ...params, ...pathParams }).map(([k, v]) => [
        k,
        Array.isArray(v) ? v[0] : v,
      ]),
    );
    return route({
      cluster: this.cluster,
      tasks: this.tasks,
      params: single,
      user: caller?.user ?? '',
      typedConfig: (config) => this.typedConfig(config),
    });
  }

  private authenticate(
    endpoint: Endpoint,
    method: string,
    req: IncomingMessage,
  ): Caller | undefined {
    if (endpoint.info.permissions?.user === 'world') return undefined;
    const caller = this.auth.authenticate(method, req.headers);
    if (caller.user.includes('!') && endpoint.info.allowtoken === 0) {
      throw new PveError(401, 'API tokens are not allowed for this method');
    }
    return caller;
  }

  private typedConfig(config: Record<string, string>): Record<string, unknown> {
    return Object.fromEntries(
      Object.entries(config).map(([key, value]) => {
        const type = propertySchema(this.configSchema, key)?.type;
        const numeric = type === 'integer' || type === 'number' || type === 'boolean';
        return [key, numeric ? Number(value) : value];
      }),
    );
  }
}

/** HTTP reason phrases cannot carry line breaks or non-Latin-1 characters. */
function reasonPhrase(message: string): string {
  return message.replace(/[^\x20-\x7e]/g, ' ').slice(0, 200) || 'Error';
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Query parameters plus a form or JSON body, as Proxmox's API handler merges them. */
function parseParams(url: URL, body: string, contentType = ''): RawParams {
  const params: RawParams = {};
  const add = (key: string, value: string) => {
    const existing = params[key];
    params[key] = existing === undefined ? value : [...[existing].flat(), value];
  };
  url.searchParams.forEach((value, key) => add(key, value));
  if (!body) return params;
  if (contentType.startsWith('application/json')) {
    for (const [key, value] of Object.entries(JSON.parse(body) as Record<string, unknown>)) {
      add(key, typeof value === 'boolean' ? (value ? '1' : '0') : String(value));
    }
  } else {
    new URLSearchParams(body).forEach((value, key) => add(key, value));
  }
  return params;
}

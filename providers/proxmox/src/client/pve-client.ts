// A small typed client of the Proxmox VE REST API (`/api2/json`): form-encoded bodies built with
// URLSearchParams, path segments always percent-encoded, a timeout per attempt, retries only for
// reads (a write that timed out may have happened), authentication by API token or by ticket,
// and errors mapped to provider error codes with secrets redacted.
import https from 'node:https';
import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from 'pino';
import { ProviderError, unavailable } from '@virtrigaud/provider-sdk';
import { TicketCredentials, TokenCredentials, type Credentials, type Ticket } from './auth';
import { apiError, Redactor } from './errors';
import { createAgent, type TlsPolicy } from './tls';

export type ParamValue = string | number | boolean | undefined;
export type Params = Record<string, ParamValue>;
export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** Per-call cancellation and logger (a backend CallContext fits: its log carries the correlation id). */
export interface CallScope {
  signal?: AbortSignal;
  log?: Logger;
}

const NEVER_ABORTED = new AbortController().signal;

interface Call {
  signal: AbortSignal;
  log?: Logger;
}

export type Authentication =
  { tokenId: string; tokenSecret: string } | { username: string; password: string };

export interface PveClientOptions {
  /** `https://pve.example.com:8006`; `/api2/json` is added. */
  endpoint: string;
  auth: Authentication;
  tls: TlsPolicy;
  /** Timeout of one HTTP attempt (default 30 s). */
  timeoutMs?: number;
  /** Extra attempts for reads that failed with UNAVAILABLE (default 2). */
  readRetries?: number;
  /** Ticket renewal age (default 90 min; tickets live 2 h). */
  ticketRenewAfterMs?: number;
  log?: Logger;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const RETRY_BASE_MS = 100;

/** Builds an API path with every interpolated value percent-encoded as one segment. */
export function apiPath(strings: TemplateStringsArray, ...values: (string | number)[]): string {
  return strings.reduce(
    (path, literal, i) =>
      path + literal + (i < values.length ? encodeURIComponent(String(values[i])) : ''),
    '',
  );
}

function formValue(value: Exclude<ParamValue, undefined>): string {
  return typeof value === 'boolean' ? (value ? '1' : '0') : String(value);
}

export function encodeParams(params: Params): URLSearchParams {
  const form = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined) form.append(key, formValue(value));
  }
  return form;
}

interface RawResponse {
  status: number;
  statusMessage: string;
  body: string;
}

export class PveClient {
  readonly baseUrl: URL;
  readonly credentials: Credentials;
  private readonly agent: https.Agent;
  private readonly redactor = new Redactor();
  private readonly timeoutMs: number;
  private readonly readRetries: number;

  constructor(private readonly options: PveClientOptions) {
    const base = new URL(options.endpoint);
    if (base.protocol !== 'https:') throw new Error('endpoint: Proxmox is reached over https://');
    base.pathname = `${base.pathname.replace(/\/+$/, '').replace(/\/api2\/json$/, '')}/api2/json`;
    this.baseUrl = base;
    this.agent = createAgent(options.tls);
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.readRetries = options.readRetries ?? 2;
    if ('tokenId' in options.auth) {
      this.redactor.add(options.auth.tokenSecret);
      this.credentials = new TokenCredentials(options.auth.tokenId, options.auth.tokenSecret);
    } else {
      this.redactor.add(options.auth.password);
      const { username, password } = options.auth;
      this.credentials = new TicketCredentials(
        (signal) => this.login(username, password, signal),
        options.ticketRenewAfterMs,
      );
    }
  }

  get<T>(path: string, params: Params = {}, scope: CallScope = {}): Promise<T> {
    return this.request<T>('GET', path, params, scope);
  }

  post<T>(path: string, params: Params = {}, scope: CallScope = {}): Promise<T> {
    return this.request<T>('POST', path, params, scope);
  }

  put<T>(path: string, params: Params = {}, scope: CallScope = {}): Promise<T> {
    return this.request<T>('PUT', path, params, scope);
  }

  delete<T>(path: string, params: Params = {}, scope: CallScope = {}): Promise<T> {
    return this.request<T>('DELETE', path, params, scope);
  }

  /** One API call; reads are retried on UNAVAILABLE, every call once more after a ticket renewal. */
  async request<T>(
    method: Method,
    path: string,
    params: Params = {},
    scope: CallScope = {},
  ): Promise<T> {
    const call: Call = {
      signal: scope.signal ?? NEVER_ABORTED,
      log: scope.log ?? this.options.log,
    };
    const attempts = method === 'GET' ? 1 + this.readRetries : 1;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.authenticated<T>(method, path, params, call);
      } catch (err) {
        const retryable =
          err instanceof ProviderError && err.code === 'UNAVAILABLE' && !call.signal.aborted;
        if (!retryable || attempt >= attempts) throw err;
        call.log?.debug({ method, path, attempt }, 'retrying Proxmox read');
        await delay(RETRY_BASE_MS * 2 ** (attempt - 1), undefined, { signal: call.signal }).catch(
          () => undefined,
        );
      }
    }
  }

  private async authenticated<T>(
    method: Method,
    path: string,
    params: Params,
    call: Call,
  ): Promise<T> {
    // A failed login throws here, and is not repeated.
    const headers = await this.credentials.headers(method, call.signal);
    try {
      return await this.send<T>(method, path, params, headers, call);
    } catch (err) {
      const renew =
        err instanceof ProviderError &&
        err.code === 'UNAUTHENTICATED' &&
        this.credentials.renewable;
      if (!renew) throw err;
      // A rejected ticket means the request did nothing, so repeating it once is safe.
      this.credentials.invalidate();
      const renewed = await this.credentials.headers(method, call.signal);
      return this.send<T>(method, path, params, renewed, call);
    }
  }

  private async login(username: string, password: string, signal: AbortSignal): Promise<Ticket> {
    const data = await this.send<{ ticket: string; CSRFPreventionToken: string }>(
      'POST',
      '/access/ticket',
      { username, password },
      {},
      { signal, log: this.options.log },
    );
    this.redactor.add(data.ticket);
    return { ticket: data.ticket, csrf: data.CSRFPreventionToken };
  }

  private async send<T>(
    method: Method,
    path: string,
    params: Params,
    headers: Record<string, string>,
    call: Call,
  ): Promise<T> {
    const url = new URL(this.baseUrl.href + path);
    const form = encodeParams(params);
    let body: string | undefined;
    if (method === 'GET' || method === 'DELETE') url.search = form.toString();
    else body = form.toString();
    const started = Date.now();
    const response = await this.exchange(method, url, body, headers, call.signal);
    call.log?.debug(
      { method, path, status: response.status, ms: Date.now() - started },
      'proxmox call',
    );
    let parsed: { data?: T; message?: string; errors?: Record<string, string> } = {};
    try {
      parsed = JSON.parse(response.body || '{}');
    } catch {
      // Proxmox answers JSON; anything else is reported by status below.
    }
    if (response.status === 200) return parsed.data as T;
    const message = parsed.message?.trim() || response.statusMessage;
    throw apiError(
      `${method} ${path}`,
      response.status,
      message,
      parsed.errors ?? {},
      this.redactor,
    );
  }

  private exchange(
    method: Method,
    url: URL,
    body: string | undefined,
    headers: Record<string, string>,
    callerSignal: AbortSignal,
  ): Promise<RawResponse> {
    const signal = AbortSignal.any([callerSignal, AbortSignal.timeout(this.timeoutMs)]);
    return new Promise((resolve, reject) => {
      const request = https.request(
        url,
        {
          method,
          agent: this.agent,
          signal,
          headers: {
            Accept: 'application/json',
            ...headers,
            ...(body !== undefined
              ? {
                  'Content-Type': 'application/x-www-form-urlencoded',
                  'Content-Length': Buffer.byteLength(body),
                }
              : {}),
          },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', (err) => reject(this.networkError(err, callerSignal)));
          response.on('end', () =>
            resolve({
              status: response.statusCode ?? 0,
              statusMessage: response.statusMessage ?? '',
              body: Buffer.concat(chunks).toString('utf8'),
            }),
          );
        },
      );
      request.on('error', (err) => reject(this.networkError(err, callerSignal)));
      request.end(body);
    });
  }

  private networkError(err: Error, callerSignal: AbortSignal): ProviderError {
    if (callerSignal.aborted) {
      return new ProviderError('DEADLINE_EXCEEDED', 'Proxmox call cancelled: the deadline passed');
    }
    const reason =
      err.name === 'AbortError' || err.name === 'TimeoutError'
        ? `no answer within ${this.timeoutMs} ms`
        : err.message;
    return unavailable(`Proxmox ${this.baseUrl.host} unreachable: ${this.redactor.redact(reason)}`);
  }

  close(): void {
    this.agent.destroy();
  }
}

// The typed client of the VirtRigaud REST API. It takes Backstage's DiscoveryApi and FetchApi
// (structurally, so this package stays free of frontend dependencies); FetchApi adds the user's
// token, so every call is authorized as the signed-in user.
import type {
  ApiErrorBody,
  ClusterSummary,
  ListProvidersQuery,
  ListResponse,
  ListVmsQuery,
  LiveEvent,
  ObjectEvent,
  ObjectRef,
  PickerQuery,
  PowerAction,
  ProviderSummary,
  VmClassSummary,
  VmDetail,
  VmImageSummary,
  VmNetworkSummary,
  VmSummary,
} from './types';

/** The subset of Backstage's DiscoveryApi the client needs. */
export interface DiscoveryLike {
  getBaseUrl(pluginId: string): Promise<string>;
}

/** The subset of Backstage's FetchApi the client needs. */
export interface FetchLike {
  fetch: typeof fetch;
}

export const VIRTRIGAUD_PLUGIN_ID = 'virtrigaud';

/** A non-2xx answer, with the field the server blamed for a 400. */
export class VirtrigaudApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'VirtrigaudApiError';
  }
}

export interface VirtrigaudApi {
  listClusters(): Promise<{ items: ClusterSummary[] }>;
  listVms(query?: ListVmsQuery): Promise<ListResponse<VmSummary>>;
  getVm(ref: ObjectRef): Promise<VmDetail>;
  getVmEvents(ref: ObjectRef): Promise<{ items: ObjectEvent[] }>;
  powerVm(ref: ObjectRef, action: PowerAction): Promise<VmSummary>;
  deleteVm(ref: ObjectRef): Promise<void>;
  listProviders(query?: ListProvidersQuery): Promise<ListResponse<ProviderSummary>>;
  getProvider(ref: ObjectRef): Promise<ProviderSummary>;
  listClasses(query?: PickerQuery): Promise<{ items: VmClassSummary[] }>;
  listImages(query?: PickerQuery): Promise<{ items: VmImageSummary[] }>;
  listNetworks(query?: PickerQuery): Promise<{ items: VmNetworkSummary[] }>;
  /** Streams live changes until `signal` aborts; resolves when the stream ends. */
  streamEvents(
    query: ListProvidersQuery,
    onEvent: (event: LiveEvent) => void,
    signal: AbortSignal,
  ): Promise<void>;
}

type Query = Record<string, string | number | undefined>;

export class VirtrigaudClient implements VirtrigaudApi {
  private readonly discoveryApi: DiscoveryLike;
  private readonly fetchApi: FetchLike;

  constructor(options: { discoveryApi: DiscoveryLike; fetchApi: FetchLike }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  listClusters() {
    return this.request<{ items: ClusterSummary[] }>('GET', '/clusters');
  }

  listVms(query: ListVmsQuery = {}) {
    return this.request<ListResponse<VmSummary>>('GET', '/vms', { query: { ...query } });
  }

  getVm(ref: ObjectRef) {
    return this.request<VmDetail>('GET', objectPath('vms', ref));
  }

  getVmEvents(ref: ObjectRef) {
    return this.request<{ items: ObjectEvent[] }>('GET', `${objectPath('vms', ref)}/events`);
  }

  powerVm(ref: ObjectRef, action: PowerAction) {
    return this.request<VmSummary>('POST', `${objectPath('vms', ref)}/power`, {
      body: { action },
    });
  }

  async deleteVm(ref: ObjectRef) {
    await this.request<unknown>('DELETE', objectPath('vms', ref));
  }

  listProviders(query: ListProvidersQuery = {}) {
    return this.request<ListResponse<ProviderSummary>>('GET', '/providers', {
      query: { ...query },
    });
  }

  getProvider(ref: ObjectRef) {
    return this.request<ProviderSummary>('GET', objectPath('providers', ref));
  }

  listClasses(query: PickerQuery = {}) {
    return this.request<{ items: VmClassSummary[] }>('GET', '/classes', { query: { ...query } });
  }

  listImages(query: PickerQuery = {}) {
    return this.request<{ items: VmImageSummary[] }>('GET', '/images', { query: { ...query } });
  }

  listNetworks(query: PickerQuery = {}) {
    return this.request<{ items: VmNetworkSummary[] }>('GET', '/networks', {
      query: { ...query },
    });
  }

  async streamEvents(
    query: ListProvidersQuery,
    onEvent: (event: LiveEvent) => void,
    signal: AbortSignal,
  ): Promise<void> {
    const response = await this.send('GET', '/events', { query: { ...query }, signal });
    if (!response.body) return;
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += value;
        let boundary: number;
        while ((boundary = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, boundary);
          buffer = buffer.slice(boundary + 2);
          const data = parseSseData(frame);
          if (data !== undefined) onEvent(JSON.parse(data) as LiveEvent);
        }
      }
    } catch (err) {
      if (!signal.aborted) throw err;
    }
  }

  private async request<T>(
    method: string,
    path: string,
    options: { query?: Query; body?: unknown } = {},
  ): Promise<T> {
    const response = await this.send(method, path, options);
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  }

  private async send(
    method: string,
    path: string,
    options: { query?: Query; body?: unknown; signal?: AbortSignal },
  ): Promise<Response> {
    const baseUrl = await this.discoveryApi.getBaseUrl(VIRTRIGAUD_PLUGIN_ID);
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined && value !== '') search.set(key, String(value));
    }
    const queryString = search.size ? `?${search}` : '';
    const response = await this.fetchApi.fetch(`${baseUrl}${path}${queryString}`, {
      method,
      signal: options.signal,
      headers: options.body === undefined ? undefined : { 'Content-Type': 'application/json' },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    if (!response.ok) throw await toApiError(response);
    return response;
  }
}

function objectPath(collection: string, ref: ObjectRef): string {
  const segments = [ref.cluster, ref.namespace, ref.name].map(encodeURIComponent);
  return `/${collection}/${segments.join('/')}`;
}

/** The `data:` lines of one server-sent event frame, joined; undefined for comments/keep-alives. */
function parseSseData(frame: string): string | undefined {
  const lines = frame
    .split('\n')
    .filter((line) => line.startsWith('data:'))
    .map((line) => line.slice(5).trimStart());
  return lines.length ? lines.join('\n') : undefined;
}

async function toApiError(response: Response): Promise<VirtrigaudApiError> {
  const text = await response.text();
  try {
    const body = JSON.parse(text) as ApiErrorBody;
    return new VirtrigaudApiError(response.status, body.error.message, body.error.field);
  } catch {
    return new VirtrigaudApiError(
      response.status,
      `${response.status} ${response.statusText}: ${text.slice(0, 200)}`,
    );
  }
}

// The typed client of the VirtRigaud REST API: openapi-fetch over the paths generated from the
// backend's OpenAPI document, so a route, parameter or answer the document does not have is a
// compile error. It takes Backstage's DiscoveryApi and FetchApi (structurally, so this package
// stays free of frontend dependencies); FetchApi adds the user's token, so every call is
// authorized as the signed-in user.
import createClient, { type Client } from 'openapi-fetch';
import type { paths } from './generated/openapi';
import type {
  ApiErrorBody,
  ClusterSummary,
  ListProvidersQuery,
  ListResponse,
  ListVmsQuery,
  LiveEvent,
  LiveEventsQuery,
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
    query: LiveEventsQuery,
    onEvent: (event: LiveEvent) => void,
    signal: AbortSignal,
  ): Promise<void>;
}

/** What every openapi-fetch call resolves to: the parsed body or the error body, and the answer. */
interface FetchResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

export class VirtrigaudClient implements VirtrigaudApi {
  private readonly discoveryApi: DiscoveryLike;
  private readonly fetchApi: FetchLike;

  constructor(options: { discoveryApi: DiscoveryLike; fetchApi: FetchLike }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  async listClusters() {
    return unwrap(await (await this.api()).GET('/clusters'));
  }

  async listVms(query: ListVmsQuery = {}) {
    const page = unwrap(await (await this.api()).GET('/vms', { params: { query } }));
    return page as ListResponse<VmSummary>;
  }

  async getVm(ref: ObjectRef) {
    const path = '/vms/{cluster}/{namespace}/{name}';
    const vm = unwrap(await (await this.api()).GET(path, { params: { path: ref } }));
    return vm as VmDetail;
  }

  async getVmEvents(ref: ObjectRef) {
    const path = '/vms/{cluster}/{namespace}/{name}/events';
    return unwrap(await (await this.api()).GET(path, { params: { path: ref } }));
  }

  async powerVm(ref: ObjectRef, action: PowerAction) {
    const path = '/vms/{cluster}/{namespace}/{name}/power';
    const options = { params: { path: ref }, body: { action } };
    return unwrap(await (await this.api()).POST(path, options));
  }

  async deleteVm(ref: ObjectRef) {
    const path = '/vms/{cluster}/{namespace}/{name}';
    unwrap(await (await this.api()).DELETE(path, { params: { path: ref } }));
  }

  async listProviders(query: ListProvidersQuery = {}) {
    const page = unwrap(await (await this.api()).GET('/providers', { params: { query } }));
    return page as ListResponse<ProviderSummary>;
  }

  async getProvider(ref: ObjectRef) {
    const path = '/providers/{cluster}/{namespace}/{name}';
    return unwrap(await (await this.api()).GET(path, { params: { path: ref } }));
  }

  async listClasses(query: PickerQuery = {}) {
    return unwrap(await (await this.api()).GET('/classes', { params: { query } }));
  }

  async listImages(query: PickerQuery = {}) {
    return unwrap(await (await this.api()).GET('/images', { params: { query } }));
  }

  async listNetworks(query: PickerQuery = {}) {
    return unwrap(await (await this.api()).GET('/networks', { params: { query } }));
  }

  async streamEvents(
    query: LiveEventsQuery,
    onEvent: (event: LiveEvent) => void,
    signal: AbortSignal,
  ): Promise<void> {
    const api = await this.api();
    const result = await api.GET('/events', { params: { query }, parseAs: 'stream', signal });
    const body = unwrap(result);
    if (!body) return;
    const reader = body.pipeThrough(new TextDecoderStream()).getReader();
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

  /** A client bound to the plugin's current base URL (discovery may move it between calls). */
  private async api(): Promise<Client<paths>> {
    return createClient<paths>({
      baseUrl: await this.discoveryApi.getBaseUrl(VIRTRIGAUD_PLUGIN_ID),
      fetch: async (request) => this.fetchApi.fetch(request.url, await requestInit(request)),
      querySerializer: serializeQuery,
    });
  }
}

/**
 * openapi-fetch hands over a Request. Backstage's FetchApi middlewares each inspect
 * `new Request(input, init)`, which takes a Request input's body, and then pass the original input
 * on, whose body is gone by then ("already been used"): so the call goes on as URL + init, with
 * the body as text.
 */
async function requestInit(request: Request): Promise<RequestInit> {
  const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
  return {
    method: request.method,
    headers: request.headers,
    body: hasBody ? await request.text() : undefined,
    signal: request.signal,
  };
}

/** Leaves out unset and empty parameters, so an empty filter means "no filter". */
function serializeQuery(query: Record<string, unknown>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') search.set(key, String(value));
  }
  return search.toString();
}

function unwrap<T>(result: FetchResult<T>): T {
  const { data, error, response } = result;
  if (response.ok) return data as T;
  const body = error as Partial<ApiErrorBody> | string | undefined;
  if (typeof body === 'object' && body?.error?.message) {
    throw new VirtrigaudApiError(response.status, body.error.message, body.error.field);
  }
  const text = typeof body === 'string' ? body : '';
  throw new VirtrigaudApiError(
    response.status,
    `${response.status} ${response.statusText}: ${text.slice(0, 200)}`,
  );
}

/** The `data:` lines of one server-sent event frame, joined; undefined for comments/keep-alives. */
function parseSseData(frame: string): string | undefined {
  const lines = frame
    .split('\n')
    .filter((line) => line.startsWith('data:'))
    .map((line) => line.slice(5).trimStart());
  return lines.length ? lines.join('\n') : undefined;
}

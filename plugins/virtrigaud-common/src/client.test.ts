// The client as an app calls it: through a FetchApi built like Backstage's.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { VirtrigaudClient } from './client';

let server: http.Server;
let baseUrl: string;
const received: { method?: string; url?: string; body: string; auth?: string }[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      received.push({ method: req.method, url: req.url, body, auth: req.headers.authorization });
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ name: 'web-1', powerState: 'On' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/virtrigaud`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

// Backstage's FetchApi chains middlewares that each inspect `new Request(input, init)` and then
// hand the ORIGINAL (input, init) on when they do not apply (the plugin:// resolver does): a
// Request given as input has had its body taken by then.
const passOn =
  (next: typeof fetch): typeof fetch =>
  async (input, init) => {
    const inspected = new Request(input, init);
    return inspected.url.startsWith('plugin://') ? next(inspected) : next(input, init);
  };
const injectToken =
  (next: typeof fetch): typeof fetch =>
  async (input, init) => {
    const request = new Request(input, init);
    request.headers.set('authorization', 'Bearer user-token');
    return next(request);
  };
const backstageLikeFetch = { fetch: passOn(injectToken(fetch)) };

it('sends a power action with its JSON body and the user token through the app FetchApi', async () => {
  const client = new VirtrigaudClient({
    discoveryApi: { getBaseUrl: async () => baseUrl },
    fetchApi: backstageLikeFetch,
  });
  await client.powerVm({ cluster: 'local', namespace: 'team-a', name: 'web-1' }, 'off');
  expect(received.at(-1)).toEqual({
    method: 'POST',
    url: '/api/virtrigaud/vms/local/team-a/web-1/power',
    body: JSON.stringify({ action: 'off' }),
    auth: 'Bearer user-token',
  });
});

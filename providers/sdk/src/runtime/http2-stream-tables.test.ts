import { once } from 'node:events';
import http2, { type Http2Session, type ServerHttp2Stream } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { useStreamTablesForHttp2Sessions } from './http2-stream-tables';
import { StreamTable } from './stream-table';

/** Node's private per-session streams collection, looked up the way the runtime does. */
function sessionStreams(session: Http2Session): unknown {
  const key = Object.getOwnPropertySymbols(session).find((s) => s.description === 'state');
  return key && (session as unknown as Record<symbol, { streams: unknown }>)[key].streams;
}

describe('useStreamTablesForHttp2Sessions', () => {
  let server: http2.Http2Server;
  let client: http2.ClientHttp2Session;
  let session: Http2Session;
  const opened: ServerHttp2Stream[] = [];

  beforeAll(async () => {
    useStreamTablesForHttp2Sessions();
    useStreamTablesForHttp2Sessions(); // a second call must not swap twice or break anything
    server = http2.createServer();
    server.on('session', (created: Http2Session) => (session = created));
    server.on('stream', (stream, headers) => {
      opened.push(stream);
      if (headers[':path'] === '/hang') return;
      stream.respond({ ':status': 200 });
      stream.end(`served ${stream.id}`);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    client = http2.connect(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  });

  afterAll(async () => {
    client.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  async function get(path: string): Promise<string> {
    const request = client.request({ ':path': path });
    let body = '';
    request.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
    await once(request, 'end');
    return body;
  }

  it('serves streams from a StreamTable that lets go of each closed stream', async () => {
    const bodies = await Promise.all(Array.from({ length: 100 }, () => get('/')));
    expect(new Set(bodies).size).toBe(100);
    const streams = sessionStreams(session) as StreamTable<ServerHttp2Stream>;
    expect(streams).toBeInstanceOf(StreamTable);
    await Promise.all(opened.filter((s) => !s.closed).map((s) => once(s, 'close')));
    expect(streams.size).toBe(0);
  });

  it('closes the streams still open when the session is destroyed', async () => {
    const arrived = once(server, 'stream');
    const request = client.request({ ':path': '/hang' });
    request.on('error', () => {});
    const closed = once(request, 'close');
    const [hanging] = (await arrived) as [ServerHttp2Stream];
    expect((sessionStreams(session) as StreamTable<unknown>).size).toBe(1);
    session.destroy();
    await Promise.all([once(hanging, 'close'), closed]);
    expect(hanging.destroyed).toBe(true);
  });
});

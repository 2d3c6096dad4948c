// The HTTP front of the API server: routes Kubernetes REST paths to the object semantics in
// api/objects.ts and writes responses (objects, lists, Tables, Status errors, watch streams).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, methodNotSupported, pathNotFound } from '../api/errors';
import type { Objects } from '../api/objects';
import type { StoredObject } from '../api/types';
import { admit, isBuiltinGroup, PageNotFound } from './admission';
import {
  apiGroupDocument,
  apiGroupList,
  apiResourceList,
  apiVersions,
  VERSION_INFO,
} from './discovery';
import { openApiV2Protobuf, type OpenApi } from './openapi';
import { HANDLERS, verbOf } from './resource-handlers';
import { parseRoute } from './route';
import type { WatchSettings } from './watch';
import type { WriteOrder } from './write-order';

export interface PodLogs {
  serve(pod: StoredObject, query: URLSearchParams, res: ServerResponse): void;
}

export interface ServerContext {
  objects: Objects;
  openapi: OpenApi;
  watch: WatchSettings;
  writeOrder: WriteOrder;
  address: () => string;
  podLogs?: PodLogs;
}

function sendJson(res: ServerResponse, code: number, body: unknown, warnings: string[] = []): void {
  const json = JSON.stringify(body);
  const headers: Record<string, string | string[]> = {
    'Content-Type': 'application/json',
    'Content-Length': String(Buffer.byteLength(json)),
  };
  if (warnings.length) headers.Warning = warnings.map((w) => `299 - ${JSON.stringify(w)}`);
  res.writeHead(code, headers);
  res.end(json);
}

function sendError(res: ServerResponse, error: unknown): void {
  if (error instanceof PageNotFound) {
    if (res.headersSent) return void res.end();
    res.writeHead(404, {
      'Content-Type': 'text/plain; charset=utf-8',
      'X-Content-Type-Options': 'nosniff',
    });
    return void res.end(`${error.message}\n`);
  }
  const apiError =
    error instanceof ApiError
      ? error
      : new ApiError(
          500,
          'InternalError',
          `Internal error occurred: ${(error as Error)?.message ?? String(error)}`,
        );
  if (apiError.code === 500)
    process.emitWarning(`devcluster: ${(error as Error)?.stack ?? String(error)}`);
  if (!res.headersSent) sendJson(res, apiError.code, apiError.toStatus());
  else res.end();
}

export function createRequestHandler(context: ServerContext) {
  return (req: IncomingMessage, res: ServerResponse) => {
    handle(context, req, res).catch((error) => sendError(res, error));
  };
}

async function handle(
  context: ServerContext,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://devcluster');
  const { registry } = context.objects;
  const route = parseRoute(url.pathname);
  const found = (body: unknown, group?: string) =>
    body
      ? sendJson(res, 200, body)
      : sendError(
          res,
          group === undefined || isBuiltinGroup(registry, group)
            ? pathNotFound()
            : new PageNotFound(),
        );
  switch (route.kind) {
    case 'api':
      return sendJson(res, 200, apiVersions(context.address()));
    case 'apis':
      return sendJson(res, 200, apiGroupList(registry));
    case 'group':
      return found(apiGroupDocument(registry, route.group), route.group);
    case 'groupVersion':
      return found(apiResourceList(registry, route.group, route.version), route.group);
    case 'resource': {
      const request = admit(context.objects, route.route, req, url.searchParams);
      const verb = verbOf(request);
      if (!verb) throw methodNotSupported(request.type, request.method);
      return HANDLERS[verb]({
        ...request,
        context,
        req,
        res,
        send: (code, body, warnings) => sendJson(res, code, body, warnings),
      });
    }
    case 'other':
      if (route.path === '/version' || route.path === '/version/')
        return sendJson(res, 200, VERSION_INFO);
      if (['/healthz', '/livez', '/readyz'].includes(route.path)) {
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        return void res.end('ok');
      }
      if (route.path === '/openapi/v2') {
        res.writeHead(200, {
          'Content-Type': 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf',
        });
        return void res.end(openApiV2Protobuf());
      }
      if (route.path.startsWith('/openapi/')) return found(context.openapi.document(route.path));
      return sendError(res, new PageNotFound());
  }
}

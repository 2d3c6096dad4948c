// The HTTP front of the API server: routes Kubernetes REST paths to the object semantics in
// api/objects.ts and writes responses (objects, lists, Tables, Status errors, watch streams).
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  ApiError,
  badRequest,
  methodNotSupported,
  pathNotFound,
  successStatus,
  unsupportedMediaType,
} from '../api/errors';
import type { DeleteOptions, FieldValidation, Objects, WriteOptions } from '../api/objects';
import { apiVersionOf, type ResourceType } from '../api/resource-type';
import { isPlainObject, type StoredObject } from '../api/types';
import { applyPatch, parseApplyBody, PATCH_CONTENT_TYPES } from '../patch/apply-patch';
import { bindPod } from './binding';
import { parseJson, readBody } from './body';
import {
  apiGroupDocument,
  apiGroupList,
  apiResourceList,
  apiVersions,
  VERSION_INFO,
} from './discovery';
import { openApiV2Protobuf, type OpenApi } from './openapi';
import { metadataList, partialMetadata, representationOf, table } from './representation';
import { parseRoute, type ResourceRoute } from './route';
import { toScale, updateFromScale } from './scale';
import { serveWatch, type WatchSettings } from './watch';

export interface PodLogs {
  serve(pod: StoredObject, query: URLSearchParams, res: ServerResponse): void;
}

export interface ServerContext {
  objects: Objects;
  openapi: OpenApi;
  watch: WatchSettings;
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
  const found = (body: unknown) =>
    body ? sendJson(res, 200, body) : sendError(res, pathNotFound());
  switch (route.kind) {
    case 'api':
      return sendJson(res, 200, apiVersions(context.address()));
    case 'apis':
      return sendJson(res, 200, apiGroupList(registry));
    case 'group':
      return found(apiGroupDocument(registry, route.group));
    case 'groupVersion':
      return found(apiResourceList(registry, route.group, route.version));
    case 'resource':
      return handleResource(context, req, res, route.route, url.searchParams);
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
      return sendError(res, pathNotFound());
  }
}

function writeOptions(query: URLSearchParams): WriteOptions {
  const dryRun = query.getAll('dryRun');
  if (dryRun.some((d) => d !== 'All'))
    throw badRequest(`Invalid value: ${JSON.stringify(dryRun)}: supported values: "All"`);
  const fieldValidation = (query.get('fieldValidation') ?? 'Warn') as FieldValidation;
  if (!['Strict', 'Warn', 'Ignore'].includes(fieldValidation))
    throw badRequest(`fieldValidation: Unsupported value: "${fieldValidation}"`);
  return { dryRun: dryRun.length > 0, fieldValidation, warnings: [] };
}

function intParam(query: URLSearchParams, name: string): number | undefined {
  const value = query.get(name);
  if (value === null || value === '') return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed))
    throw badRequest(`${name}: invalid value ${JSON.stringify(value)}`);
  return parsed;
}

async function handleResource(
  context: ServerContext,
  req: IncomingMessage,
  res: ServerResponse,
  route: ResourceRoute,
  query: URLSearchParams,
): Promise<void> {
  const { objects } = context;
  const type = objects.registry.lookup(route.group, route.version, route.resource);
  if (!type || (!type.namespaced && route.namespace !== undefined)) throw pathNotFound();
  const { namespace, name, subresource } = route;
  const method = req.method ?? 'GET';
  if (subresource && !supportsSubresource(type, subresource)) throw pathNotFound();
  if (type.namespaced && namespace === undefined && (name !== undefined || method !== 'GET'))
    throw pathNotFound();
  const representation = representationOf(req.headers.accept);
  const bodyType = (req.headers['content-type'] ?? '').split(';')[0].trim();
  if (
    (method === 'POST' || method === 'PUT') &&
    bodyType &&
    bodyType !== 'application/json' &&
    bodyType !== '*/*'
  ) {
    // Only JSON bodies: Kubernetes' protobuf encoding is not implemented.
    throw new ApiError(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: application/json (got ${bodyType})`,
    );
  }

  if (name === undefined) {
    if (method === 'GET') {
      const listOptions = {
        labelSelector: query.get('labelSelector') ?? undefined,
        fieldSelector: query.get('fieldSelector') ?? undefined,
      };
      if (query.get('watch') === 'true' || query.get('watch') === '1') {
        return serveWatch(
          res,
          objects,
          type,
          {
            ...listOptions,
            namespace,
            resourceVersion: query.get('resourceVersion') ?? undefined,
            allowWatchBookmarks: query.get('allowWatchBookmarks') === 'true',
            sendInitialEvents: query.get('sendInitialEvents') === 'true',
            timeoutSeconds: intParam(query, 'timeoutSeconds'),
            representation,
            includeObject: query.get('includeObject'),
          },
          context.watch,
        );
      }
      const result = objects.list(type, namespace, {
        ...listOptions,
        limit: intParam(query, 'limit'),
        continue: query.get('continue') ?? undefined,
      });
      const listMeta = {
        resourceVersion: result.resourceVersion,
        ...(result.continue
          ? { continue: result.continue, remainingItemCount: result.remainingItemCount }
          : {}),
      };
      if (representation === 'table')
        return sendJson(res, 200, table(type, result.items, query.get('includeObject'), listMeta));
      if (representation === 'metadata')
        return sendJson(res, 200, metadataList(result.items, listMeta));
      return sendJson(res, 200, {
        apiVersion: apiVersionOf(type),
        kind: type.listKind,
        metadata: listMeta,
        items: result.items,
      });
    }
    if (method === 'POST') {
      const options = writeOptions(query);
      const created = objects.create(type, namespace, parseJson(await readBody(req)), options);
      return sendJson(res, 201, created, options.warnings);
    }
    if (method === 'DELETE') {
      const options = writeOptions(query);
      const deleteOptions = await readDeleteOptions(req, query);
      const matching = objects.list(type, namespace, {
        labelSelector: query.get('labelSelector') ?? undefined,
        fieldSelector: query.get('fieldSelector') ?? undefined,
      });
      const items = matching.items.map(
        (item) =>
          objects.delete(type, item.metadata.namespace, item.metadata.name, deleteOptions, options)
            .object,
      );
      return sendJson(res, 200, {
        apiVersion: apiVersionOf(type),
        kind: type.listKind,
        metadata: { resourceVersion: String(objects.store.revision) },
        items,
      });
    }
    throw methodNotSupported(type, method);
  }

  if (subresource === 'log')
    return context.podLogs
      ? context.podLogs.serve(objects.get(type, namespace, name), query, res)
      : sendError(res, pathNotFound());
  if (subresource === 'scale') return handleScale(context, req, res, type, namespace, name, query);
  if (subresource === 'binding') {
    if (method !== 'POST') throw methodNotSupported(type, method);
    const options = writeOptions(query);
    const body = parseJson(await readBody(req));
    return sendJson(res, 201, bindPod(objects, type, namespace, name, body, options));
  }
  const statusOnly = subresource === 'status' ? 'status' : undefined;
  switch (method) {
    case 'GET': {
      const object = objects.get(type, namespace, name);
      if (representation === 'table')
        return sendJson(
          res,
          200,
          table(type, [object], query.get('includeObject'), {
            resourceVersion: object.metadata.resourceVersion,
          }),
        );
      return sendJson(res, 200, representation === 'metadata' ? partialMetadata(object) : object);
    }
    case 'PUT': {
      const options = writeOptions(query);
      const body = parseJson(await readBody(req));
      const updated =
        subresource === 'finalize'
          ? finalizeNamespace(objects, type, name, body, options)
          : objects.update(type, namespace, name, body, options, statusOnly);
      return sendJson(res, 200, updated, options.warnings);
    }
    case 'PATCH': {
      const options = {
        ...writeOptions(query),
        fieldManager: query.get('fieldManager') ?? undefined,
      };
      const contentType = (req.headers['content-type'] ?? '').split(';')[0].trim();
      const patchType = PATCH_CONTENT_TYPES[contentType];
      if (!patchType) throw unsupportedMediaType(contentType);
      const text = await readBody(req);
      if (patchType === 'apply' && !options.fieldManager) {
        throw new ApiError(
          422,
          'Invalid',
          'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
          {
            causes: [
              {
                reason: 'FieldValueRequired',
                message: 'Required value: is required for apply patch',
                field: 'fieldManager',
              },
            ],
          },
        );
      }
      const patch = patchType === 'apply' ? parseApplyBody(text) : parseJson(text);
      const existed = patchType === 'apply' && objects.find(type, namespace, name) !== undefined;
      const patched = objects.patch(type, namespace, name, patchType, patch, options, statusOnly);
      return sendJson(
        res,
        patchType === 'apply' && !existed ? 201 : 200,
        patched,
        options.warnings,
      );
    }
    case 'DELETE': {
      const options = writeOptions(query);
      const { object, deleted } = objects.delete(
        type,
        namespace,
        name,
        await readDeleteOptions(req, query),
        options,
      );
      const returnsObject = !deleted || type.crdName !== undefined || type.storageKey === '/pods';
      return sendJson(
        res,
        200,
        returnsObject
          ? object
          : successStatus({
              name,
              group: type.group || undefined,
              kind: type.resource,
              uid: object.metadata.uid,
            }),
      );
    }
  }
  throw methodNotSupported(type, method);
}

function supportsSubresource(type: ResourceType, subresource: string): boolean {
  if (subresource === 'status') return type.statusSubresource;
  if (subresource === 'scale') return type.scale !== undefined;
  if (subresource === 'log' || subresource === 'binding') return type.storageKey === '/pods';
  if (subresource === 'finalize') return type.storageKey === '/namespaces';
  return false;
}

async function readDeleteOptions(
  req: IncomingMessage,
  query: URLSearchParams,
): Promise<DeleteOptions> {
  const body = parseJson(await readBody(req));
  const options = (isPlainObject(body) ? body : {}) as DeleteOptions;
  const policy = query.get('propagationPolicy');
  if (policy) options.propagationPolicy = policy as DeleteOptions['propagationPolicy'];
  const grace = intParam(query, 'gracePeriodSeconds');
  if (grace !== undefined) options.gracePeriodSeconds = grace;
  if (
    options.propagationPolicy &&
    !['Foreground', 'Background', 'Orphan'].includes(options.propagationPolicy)
  ) {
    throw badRequest(
      `propagationPolicy: Unsupported value: "${options.propagationPolicy}": supported values: "Foreground", "Background", "Orphan"`,
    );
  }
  return options;
}

async function handleScale(
  context: ServerContext,
  req: IncomingMessage,
  res: ServerResponse,
  type: ResourceType,
  namespace: string | undefined,
  name: string,
  query: URLSearchParams,
): Promise<void> {
  const { objects } = context;
  const current = objects.get(type, namespace, name);
  const method = req.method ?? 'GET';
  if (method === 'GET') return sendJson(res, 200, toScale(current, type.scale!));
  const options = writeOptions(query);
  const text = await readBody(req);
  let scale: unknown;
  if (method === 'PUT') scale = parseJson(text);
  else if (method === 'PATCH') {
    const patchType = PATCH_CONTENT_TYPES[(req.headers['content-type'] ?? '').split(';')[0].trim()];
    if (!patchType) throw unsupportedMediaType(String(req.headers['content-type']));
    scale = applyPatch(
      { ...type, strategicMerge: true },
      patchType,
      toScale(current, type.scale!),
      patchType === 'apply' ? parseApplyBody(text) : parseJson(text),
    );
  } else throw methodNotSupported(type, method);
  return sendJson(
    res,
    200,
    toScale(updateFromScale(objects, type, namespace, name, scale, options), type.scale!),
  );
}

function finalizeNamespace(
  objects: Objects,
  type: ResourceType,
  name: string,
  body: unknown,
  options: WriteOptions,
) {
  const current = objects.get(type, undefined, name);
  const finalizers =
    isPlainObject(body) && isPlainObject(body.spec) ? body.spec.finalizers : undefined;
  return objects.update(
    type,
    undefined,
    name,
    { ...current, spec: { ...(current.spec as object), finalizers: finalizers ?? [] } },
    options,
  );
}

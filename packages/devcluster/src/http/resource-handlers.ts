// One handler per verb of a resource request that passed admission (admission.ts). Writes go
// through the WriteOrder, which decides whether their response or their watch events go first.
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  ApiError,
  badRequest,
  methodNotSupported,
  pathNotFound,
  successStatus,
  unsupportedMediaType,
} from '../api/errors';
import type { DeleteOptions, Objects, WriteOptions } from '../api/objects';
import { apiVersionOf, type ResourceType } from '../api/resource-type';
import { isPlainObject } from '../api/types';
import { applyPatch, parseApplyBody, PATCH_CONTENT_TYPES } from '../patch/apply-patch';
import { writeOptions, type AdmittedRequest } from './admission';
import { bindPod } from './binding';
import { parseJson, readBody } from './body';
import { metadataList, partialMetadata, representationOf, table } from './representation';
import type { ServerContext } from './server';
import { toScale, updateFromScale } from './scale';
import { serveWatch } from './watch';

export interface Exchange extends AdmittedRequest {
  context: ServerContext;
  req: IncomingMessage;
  res: ServerResponse;
  send: (code: number, body: unknown, warnings?: string[]) => void;
}

type Handler = (exchange: Exchange) => Promise<void> | void;

export type Verb =
  | 'list'
  | 'watch'
  | 'create'
  | 'deletecollection'
  | 'get'
  | 'update'
  | 'patch'
  | 'delete'
  | 'log'
  | 'scale'
  | 'binding';

/** The verb a request asks for, as Kubernetes' authorizer would name it. */
export function verbOf({ method, route, query }: AdmittedRequest): Verb | undefined {
  if (route.subresource === 'log' || route.subresource === 'scale') return route.subresource;
  if (route.subresource === 'binding') return method === 'POST' ? 'binding' : undefined;
  if (route.name === undefined) {
    if (method === 'GET')
      return query.get('watch') === 'true' || query.get('watch') === '1' ? 'watch' : 'list';
    return ({ POST: 'create', DELETE: 'deletecollection' } as const)[method as 'POST' | 'DELETE'];
  }
  return ({ GET: 'get', PUT: 'update', PATCH: 'patch', DELETE: 'delete' } as const)[
    method as 'GET' | 'PUT' | 'PATCH' | 'DELETE'
  ];
}

function intParam(query: URLSearchParams, name: string): number | undefined {
  const value = query.get(name);
  if (value === null || value === '') return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed))
    throw badRequest(`${name}: invalid value ${JSON.stringify(value)}`);
  return parsed;
}

const selectors = (query: URLSearchParams) => ({
  labelSelector: query.get('labelSelector') ?? undefined,
  fieldSelector: query.get('fieldSelector') ?? undefined,
});

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

const list: Handler = ({ context, req, type, route, query, send }) => {
  const result = context.objects.list(type, route.namespace, {
    ...selectors(query),
    limit: intParam(query, 'limit'),
    continue: query.get('continue') ?? undefined,
  });
  const listMeta = {
    resourceVersion: result.resourceVersion,
    ...(result.continue
      ? { continue: result.continue, remainingItemCount: result.remainingItemCount }
      : {}),
  };
  const representation = representationOf(req.headers.accept);
  if (representation === 'table')
    return send(200, table(type, result.items, query.get('includeObject'), listMeta));
  if (representation === 'metadata') return send(200, metadataList(result.items, listMeta));
  send(200, {
    apiVersion: apiVersionOf(type),
    kind: type.listKind,
    metadata: listMeta,
    items: result.items,
  });
};

const watch: Handler = ({ context, req, res, type, route, query }) =>
  serveWatch(
    res,
    context.objects,
    type,
    {
      ...selectors(query),
      namespace: route.namespace,
      resourceVersion: query.get('resourceVersion') ?? undefined,
      allowWatchBookmarks: query.get('allowWatchBookmarks') === 'true',
      sendInitialEvents: query.get('sendInitialEvents') === 'true',
      timeoutSeconds: intParam(query, 'timeoutSeconds'),
      representation: representationOf(req.headers.accept),
      includeObject: query.get('includeObject'),
    },
    context.watch,
    context.writeOrder,
  );

const create: Handler = async (exchange) => {
  const { context, req, type, route, query, send } = exchange;
  const options = writeOptions(query);
  const body = parseJson(await readBody(req));
  await context.writeOrder.write(
    () => context.objects.create(type, route.namespace, body, options),
    (created) => send(201, created, options.warnings),
  );
};

const deleteCollection: Handler = async (exchange) => {
  const { context, req, type, route, query, send } = exchange;
  const { objects } = context;
  const options = writeOptions(query);
  const deleteOptions = await readDeleteOptions(req, query);
  await context.writeOrder.write(
    () =>
      objects
        .list(type, route.namespace, selectors(query))
        .items.map(
          (item) =>
            objects.delete(
              type,
              item.metadata.namespace,
              item.metadata.name,
              deleteOptions,
              options,
            ).object,
        ),
    (items) =>
      send(200, {
        apiVersion: apiVersionOf(type),
        kind: type.listKind,
        metadata: { resourceVersion: String(objects.store.revision) },
        items,
      }),
  );
};

const get: Handler = ({ context, req, type, route, query, send }) => {
  const object = context.objects.get(type, route.namespace, route.name!);
  const representation = representationOf(req.headers.accept);
  if (representation === 'table')
    return send(
      200,
      table(type, [object], query.get('includeObject'), {
        resourceVersion: object.metadata.resourceVersion,
      }),
    );
  send(200, representation === 'metadata' ? partialMetadata(object) : object);
};

const update: Handler = async (exchange) => {
  const { context, req, type, route, query, send } = exchange;
  const options = writeOptions(query);
  const body = parseJson(await readBody(req));
  const { objects } = context;
  await context.writeOrder.write(
    () =>
      route.subresource === 'finalize'
        ? finalizeNamespace(objects, type, route.name!, body, options)
        : objects.update(
            type,
            route.namespace,
            route.name!,
            body,
            options,
            route.subresource === 'status' ? 'status' : undefined,
          ),
    (updated) => send(200, updated, options.warnings),
  );
};

const patch: Handler = async (exchange) => {
  const { context, req, type, route, query, send } = exchange;
  const options = { ...writeOptions(query), fieldManager: query.get('fieldManager') ?? undefined };
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
  const body = patchType === 'apply' ? parseApplyBody(text) : parseJson(text);
  const { objects } = context;
  const { namespace, name } = route;
  await context.writeOrder.write(
    () => {
      const existed = objects.find(type, namespace, name!) !== undefined;
      const patched = objects.patch(
        type,
        namespace,
        name!,
        patchType,
        body,
        options,
        route.subresource === 'status' ? 'status' : undefined,
      );
      return { patched, created: patchType === 'apply' && !existed };
    },
    ({ patched, created }) => send(created ? 201 : 200, patched, options.warnings),
  );
};

const remove: Handler = async (exchange) => {
  const { context, req, type, route, query, send } = exchange;
  const options = writeOptions(query);
  const deleteOptions = await readDeleteOptions(req, query);
  const name = route.name!;
  await context.writeOrder.write(
    () => context.objects.delete(type, route.namespace, name, deleteOptions, options),
    ({ object, deleted }) => {
      // The real server answers with the object for kinds with graceful deletion or finalizers.
      const returnsObject = !deleted || type.crdName !== undefined || type.storageKey === '/pods';
      send(
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
    },
  );
};

const log: Handler = ({ context, res, type, route, query }) => {
  if (!context.podLogs) throw pathNotFound();
  context.podLogs.serve(context.objects.get(type, route.namespace, route.name!), query, res);
};

const scale: Handler = async (exchange) => {
  const { context, req, type, route, method, query, send } = exchange;
  const { objects } = context;
  const { namespace, name } = route;
  const current = objects.get(type, namespace, name!);
  if (method === 'GET') return send(200, toScale(current, type.scale!));
  const options = writeOptions(query);
  const text = await readBody(req);
  let body: unknown;
  if (method === 'PUT') body = parseJson(text);
  else if (method === 'PATCH') {
    const patchType = PATCH_CONTENT_TYPES[(req.headers['content-type'] ?? '').split(';')[0].trim()];
    if (!patchType) throw unsupportedMediaType(String(req.headers['content-type']));
    body = applyPatch(
      { ...type, strategicMerge: true },
      patchType,
      toScale(current, type.scale!),
      patchType === 'apply' ? parseApplyBody(text) : parseJson(text),
    );
  } else throw methodNotSupported(type, method);
  await context.writeOrder.write(
    () => updateFromScale(objects, type, namespace, name!, body, options),
    (updated) => send(200, toScale(updated, type.scale!)),
  );
};

/** pods/binding: a scheduler (here the node agent) assigns a pod to a node. */
const binding: Handler = async ({ context, req, type, route, query, send }) => {
  const options = writeOptions(query);
  const body = parseJson(await readBody(req));
  await context.writeOrder.write(
    () => bindPod(context.objects, type, route.namespace, route.name!, body, options),
    (bound) => send(201, bound),
  );
};

export const HANDLERS: Record<Verb, Handler> = {
  binding,
  list,
  watch,
  create,
  deletecollection: deleteCollection,
  get,
  update,
  patch,
  delete: remove,
  log,
  scale,
};

// The checks every resource request passes before its verb's handler runs, in order: the
// resource exists (else the real server's 404s), the path's scope and subresource fit it, the
// body is JSON, and the query's write options are valid. Each step is one small function.
import type { IncomingMessage } from 'node:http';
import { ApiError, badRequest, pathNotFound } from '../api/errors';
import type { FieldValidation, Objects, WriteOptions } from '../api/objects';
import type { Registry } from '../api/registry';
import type { ResourceType } from '../api/resource-type';
import type { ResourceRoute } from './route';

/** Go's http.NotFound: what the real server answers for paths no API group serves. */
export class PageNotFound extends Error {
  constructor() {
    super('404 page not found');
  }
}

/** A group only CustomResourceDefinitions serve (or nobody): its unknown paths are plain 404s. */
export function isBuiltinGroup(registry: Registry, group: string): boolean {
  return group === '' || registry.all().some((t) => t.group === group && !t.crdName);
}

export interface AdmittedRequest {
  type: ResourceType;
  route: ResourceRoute;
  method: string;
  query: URLSearchParams;
}

type Step = (request: AdmittedRequest, req: IncomingMessage) => void;

function supportsSubresource(type: ResourceType, subresource: string): boolean {
  if (subresource === 'status') return type.statusSubresource;
  if (subresource === 'scale') return type.scale !== undefined;
  if (subresource === 'log' || subresource === 'binding') return type.storageKey === '/pods';
  if (subresource === 'finalize') return type.storageKey === '/namespaces';
  return false;
}

const scope: Step = ({ type, route, method }) => {
  if (!type.namespaced && route.namespace !== undefined) throw pathNotFound();
  if (
    type.namespaced &&
    route.namespace === undefined &&
    (route.name !== undefined || method !== 'GET')
  )
    throw pathNotFound();
};

const subresource: Step = ({ type, route }) => {
  if (route.subresource && !supportsSubresource(type, route.subresource)) throw pathNotFound();
};

const jsonBody: Step = ({ method }, req) => {
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
};

const validWriteOptions: Step = ({ method, query }) => {
  if (method !== 'GET') writeOptions(query);
};

const STEPS: Step[] = [scope, subresource, jsonBody, validWriteOptions];

/** The request's resource type once every step passed; throws the first step's refusal. */
export function admit(
  objects: Objects,
  route: ResourceRoute,
  req: IncomingMessage,
  query: URLSearchParams,
): AdmittedRequest {
  const type = objects.registry.lookup(route.group, route.version, route.resource);
  if (!type) {
    // After a CRD is deleted its resources are unknown paths of a group without built-ins.
    if (!isBuiltinGroup(objects.registry, route.group)) throw new PageNotFound();
    throw pathNotFound();
  }
  const request: AdmittedRequest = { type, route, method: req.method ?? 'GET', query };
  for (const step of STEPS) step(request, req);
  return request;
}

/** `dryRun` and `fieldValidation` of a write. */
export function writeOptions(query: URLSearchParams): WriteOptions {
  const dryRun = query.getAll('dryRun');
  if (dryRun.some((d) => d !== 'All'))
    throw badRequest(`Invalid value: ${JSON.stringify(dryRun)}: supported values: "All"`);
  const fieldValidation = (query.get('fieldValidation') ?? 'Warn') as FieldValidation;
  if (!['Strict', 'Warn', 'Ignore'].includes(fieldValidation))
    throw badRequest(`fieldValidation: Unsupported value: "${fieldValidation}"`);
  return { dryRun: dryRun.length > 0, fieldValidation, warnings: [] };
}

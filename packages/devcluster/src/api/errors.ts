// Kubernetes `Status` failures, worded like the real API server so clients that parse
// reason/code/details (client-go, @kubernetes/client-node, kubectl) behave the same.

export interface StatusCause {
  reason: string;
  message: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

/** A resource as named in error messages: plural resource and optional group. */
export interface ResourceRef {
  resource: string;
  group: string;
}

function qualified(ref: ResourceRef): string {
  return ref.group ? `${ref.resource}.${ref.group}` : ref.resource;
}

export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
  }

  toStatus(): Status {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      ...(this.details ? { details: this.details } : {}),
      code: this.code,
    };
  }
}

export function successStatus(details: StatusDetails): Status {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details, code: 200 };
}

export const notFound = (ref: ResourceRef, name: string) =>
  new ApiError(404, 'NotFound', `${qualified(ref)} "${name}" not found`, {
    name,
    group: ref.group || undefined,
    kind: ref.resource,
  });

export const alreadyExists = (ref: ResourceRef, name: string) =>
  new ApiError(409, 'AlreadyExists', `${qualified(ref)} "${name}" already exists`, {
    name,
    group: ref.group || undefined,
    kind: ref.resource,
  });

export const conflict = (ref: ResourceRef, name: string, why: string) =>
  new ApiError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualified(ref)} "${name}": ${why}`,
    { name, group: ref.group || undefined, kind: ref.resource },
  );

export const staleResourceVersion = (ref: ResourceRef, name: string) =>
  conflict(
    ref,
    name,
    'the object has been modified; please apply your changes to the latest version and try again',
  );

/** 422 with one cause per field, the message listing them as the real server does. */
export function invalid(
  kind: string,
  group: string,
  name: string,
  causes: StatusCause[],
): ApiError {
  const qualifiedKind = group ? `${kind}.${group}` : kind;
  const listed = causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message));
  const summary = listed.length === 1 ? listed[0] : `[${listed.join(', ')}]`;
  return new ApiError(422, 'Invalid', `${qualifiedKind} "${name}" is invalid: ${summary}`, {
    name,
    group: group || undefined,
    kind,
    causes,
  });
}

export const badRequest = (message: string) => new ApiError(400, 'BadRequest', message);

export const methodNotSupported = (ref: ResourceRef, verb: string) =>
  new ApiError(
    405,
    'MethodNotAllowed',
    `${verb} is not supported on resources of kind "${qualified(ref)}"`,
    {
      group: ref.group || undefined,
      kind: ref.resource,
    },
  );

export const forbidden = (ref: ResourceRef, name: string, why: string) =>
  new ApiError(403, 'Forbidden', `${qualified(ref)} "${name}" is forbidden: ${why}`, {
    name,
    group: ref.group || undefined,
    kind: ref.resource,
  });

export const gone = (message: string) => new ApiError(410, 'Expired', message);

export const unsupportedMediaType = (contentType: string) =>
  new ApiError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml (got ${contentType})`,
  );

export const pathNotFound = () =>
  new ApiError(404, 'NotFound', 'the server could not find the requested resource', {});

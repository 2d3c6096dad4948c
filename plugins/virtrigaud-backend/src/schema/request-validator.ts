// Validates requests against the checked-in OpenAPI document (src/schema/openapi.yaml), so the
// document is the contract the code enforces, not a description next to it. Path and query
// parameters are coerced to their declared types and get their defaults; unknown query
// parameters and bodies that do not match are rejected with a 400 naming the field.
import fs from 'node:fs';
import path from 'node:path';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { parse } from 'yaml';
import { FieldInputError } from './field-error';

export const OPENAPI_PATH = path.join(__dirname, '..', '..', 'src', 'schema', 'openapi.yaml');

type Json = Record<string, unknown>;

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema: Json;
}

interface OperationValidators {
  path: ValidateFunction;
  query: ValidateFunction;
  body?: ValidateFunction;
}

export interface ValidatedRequest {
  path: Record<string, string>;
  query: Record<string, unknown>;
  body: unknown;
}

export class RequestValidator {
  private readonly operations = new Map<string, OperationValidators>();

  constructor(document: Json = loadOpenApi()) {
    const ajv = new Ajv({ strict: false, coerceTypes: true, useDefaults: true, allErrors: false });
    const resolved = resolveRefs(document, document) as Json;
    for (const pathItem of Object.values(resolved.paths as Record<string, Json>)) {
      const shared = (pathItem.parameters as Parameter[] | undefined) ?? [];
      for (const [method, op] of Object.entries(pathItem)) {
        if (method === 'parameters') continue;
        const operation = op as Json;
        const parameters = [...shared, ...((operation.parameters as Parameter[]) ?? [])];
        const bodySchema = (operation.requestBody as Json | undefined)?.content as
          Record<string, { schema: Json }> | undefined;
        this.operations.set(operation.operationId as string, {
          path: ajv.compile(objectSchema(parameters.filter((p) => p.in === 'path'))),
          query: ajv.compile(objectSchema(parameters.filter((p) => p.in === 'query'))),
          body: bodySchema && ajv.compile(bodySchema['application/json'].schema),
        });
      }
    }
  }

  operationIds(): string[] {
    return [...this.operations.keys()];
  }

  validate(
    operationId: string,
    request: { params: object; query: object; body?: unknown },
  ): ValidatedRequest {
    const validators = this.operations.get(operationId);
    if (!validators) throw new Error(`operation ${operationId} is not in openapi.yaml`);
    const pathParams = { ...request.params };
    const query = { ...request.query };
    check(validators.path, pathParams, 'path');
    check(validators.query, query, 'query');
    const body = validators.body ? (request.body ?? {}) : undefined;
    if (validators.body) check(validators.body, body, 'body');
    return { path: pathParams as Record<string, string>, query, body };
  }
}

function loadOpenApi(): Json {
  return parse(fs.readFileSync(OPENAPI_PATH, 'utf8')) as Json;
}

function objectSchema(parameters: Parameter[]): Json {
  return {
    type: 'object',
    additionalProperties: false,
    required: parameters.filter((p) => p.required).map((p) => p.name),
    properties: Object.fromEntries(parameters.map((p) => [p.name, p.schema])),
  };
}

function check(validate: ValidateFunction, data: unknown, location: string): void {
  if (validate(data)) return;
  const error = validate.errors![0];
  throw new FieldInputError(fieldOf(error, location), messageOf(error));
}

/** `query.limit`, `body.action`, `query.colour` (an unknown parameter). */
function fieldOf(error: ErrorObject, location: string): string {
  const pointer = error.instancePath.split('/').filter(Boolean).join('.');
  const extra =
    error.keyword === 'additionalProperties'
      ? (error.params as { additionalProperty: string }).additionalProperty
      : error.keyword === 'required'
        ? (error.params as { missingProperty: string }).missingProperty
        : '';
  return [location, pointer, extra].filter(Boolean).join('.');
}

function messageOf(error: ErrorObject): string {
  if (error.keyword === 'additionalProperties') return 'is not a known parameter';
  if (error.keyword === 'required') return 'is required';
  if (error.keyword === 'enum') {
    return `must be one of ${(error.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`;
  }
  return error.message ?? 'is invalid';
}

/** Inlines local `$ref`s (`#/components/...`); the document has no recursive schemas. */
function resolveRefs(node: unknown, root: Json): unknown {
  if (Array.isArray(node)) return node.map((item) => resolveRefs(item, root));
  if (!node || typeof node !== 'object') return node;
  const ref = (node as Json).$ref;
  if (typeof ref === 'string') {
    const target = ref
      .slice(2)
      .split('/')
      .reduce<unknown>((at, key) => (at as Json)[key], root);
    return resolveRefs(target, root);
  }
  return Object.fromEntries(
    Object.entries(node as Json).map(([key, value]) => [key, resolveRefs(value, root)]),
  );
}

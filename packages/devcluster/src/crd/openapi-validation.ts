// OpenAPI v3 schema validation of custom resources with ajv, reported as the Kubernetes API
// server words it: one cause per field path (`spec.replicas: Invalid value: ...`).
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { StatusCause } from '../api/errors';
import { isPlainObject } from '../api/types';
import type { Schema } from './schema';

/** The formats kube-openapi validates; others are accepted as-is, as there. */
const FORMATS: Record<string, RegExp | true> = {
  'date-time': /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:?\d{2})$/,
  date: /^\d{4}-\d{2}-\d{2}$/,
  datetime: /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:?\d{2})$/,
  duration: /^(-?(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+|0)$/,
  uuid: /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/,
  byte: /^([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/,
  ipv4: /^((25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(25[0-5]|2[0-4]\d|1?\d?\d)$/,
  hostname:
    /^[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?)*$/,
  email: /^[^\s@]+@[^\s@]+$/,
  mac: /^([0-9a-fA-F]{2}[:-]){5}[0-9a-fA-F]{2}$/,
  uri: /^[a-zA-Z][a-zA-Z0-9+.-]*:/,
  int32: true,
  int64: true,
  float: true,
  double: true,
  password: true,
  ipv6: true,
  cidr: true,
  'int-or-string': true,
};

function newAjv(): Ajv {
  const ajv = new Ajv({
    allErrors: true,
    strict: false,
    validateFormats: true,
    coerceTypes: false,
  });
  for (const [name, format] of Object.entries(FORMATS))
    ajv.addFormat(name, format === true ? () => true : format);
  return ajv;
}

const ajv = newAjv();

export function compileSchema(schema: Schema): ValidateFunction {
  // Not cached in ajv: a CRD update replaces the schema under the same (absent) $id.
  return ajv.compile({ ...schema, $id: undefined });
}

/** A JSON pointer into `data` as a Kubernetes field path: spec.disks[0].name. */
function toFieldPath(data: unknown, pointer: string): string {
  let path = '';
  let node: unknown = data;
  for (const raw of pointer.split('/').slice(1)) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node)) path += `[${segment}]`;
    else path = path ? `${path}.${segment}` : segment;
    node =
      isPlainObject(node) || Array.isArray(node)
        ? (node as Record<string, unknown>)[segment]
        : undefined;
  }
  return path;
}

function valueAt(data: unknown, pointer: string): unknown {
  let node: unknown = data;
  for (const raw of pointer.split('/').slice(1))
    node = (node as Record<string, unknown>)?.[raw.replace(/~1/g, '/').replace(/~0/g, '~')];
  return node;
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function describe(error: ErrorObject, data: unknown): StatusCause {
  const params = error.params as Record<string, unknown>;
  const value = valueAt(data, error.instancePath);
  const field = toFieldPath(data, error.instancePath);
  const shown = JSON.stringify(value);
  const invalid = (detail: string): StatusCause => ({
    reason: 'FieldValueInvalid',
    message: `Invalid value: ${shown}: ${field} in body ${detail}`,
    field,
  });
  // Kubernetes says "items" for too many properties as well.
  const tooMany = (count: number): StatusCause => ({
    reason: 'FieldValueTooMany',
    message: `Too many: ${count}: must have at most ${String(params.limit)} items`,
    field,
  });
  switch (error.keyword) {
    case 'required':
      return {
        reason: 'FieldValueRequired',
        message: 'Required value',
        field: field
          ? `${field}.${String(params.missingProperty)}`
          : String(params.missingProperty),
      };
    case 'enum':
      return {
        reason: 'FieldValueNotSupported',
        message: `Unsupported value: ${shown}: supported values: ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`,
        field,
      };
    case 'type':
      return {
        reason: 'FieldValueInvalid',
        message: `Invalid value: "${jsonType(value)}": ${field} in body must be of type ${String(params.type)}: "${jsonType(value)}"`,
        field,
      };
    case 'pattern':
      return invalid(`should match '${String(params.pattern)}'`);
    case 'format':
      return invalid(`must be of type ${String(params.format)}: ${shown}`);
    case 'minimum':
      return invalid(`should be greater than or equal to ${String(params.limit)}`);
    case 'exclusiveMinimum':
      return invalid(`should be greater than ${String(params.limit)}`);
    case 'maximum':
      return invalid(`should be less than or equal to ${String(params.limit)}`);
    case 'exclusiveMaximum':
      return invalid(`should be less than ${String(params.limit)}`);
    case 'multipleOf':
      return invalid(`should be a multiple of ${String(params.multipleOf)}`);
    case 'minLength':
      return invalid(`should be at least ${String(params.limit)} chars long`);
    case 'maxLength':
      return {
        reason: 'FieldValueTooLong',
        message: `Too long: may not be more than ${String(params.limit)} bytes`,
        field,
      };
    case 'minItems':
      return invalid(`should have at least ${String(params.limit)} items`);
    case 'maxItems':
      return tooMany((value as unknown[]).length);
    case 'minProperties':
      return invalid(`should have at least ${String(params.limit)} properties`);
    case 'maxProperties':
      return tooMany(Object.keys(value as object).length);
    case 'uniqueItems':
      return {
        reason: 'FieldValueDuplicate',
        message: `Duplicate value: ${JSON.stringify((value as unknown[])[Number(params.j)])}`,
        field: `${field}[${String(params.j)}]`,
      };
    default:
      return invalid(error.message ?? `failed ${error.keyword}`);
  }
}

/**
 * For anyOf/oneOf failures ajv reports every branch; Kubernetes names the field once. Keep the
 * most telling branch error (a value error over a mere type mismatch).
 */
function collapseAlternatives(errors: ErrorObject[]): ErrorObject[] {
  const alternatives = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf');
  let kept = errors.filter((e) => e.keyword !== 'anyOf' && e.keyword !== 'oneOf');
  for (const alternative of alternatives) {
    const branches = kept.filter((e) => e.schemaPath.startsWith(`${alternative.schemaPath}/`));
    if (branches.length === 0) {
      kept.push(alternative);
      continue;
    }
    const best = branches.find((e) => e.keyword !== 'type') ?? branches[0];
    kept = kept.filter((e) => !branches.includes(e) || e === best);
  }
  return kept;
}

export function schemaErrors(validate: ValidateFunction, data: unknown): StatusCause[] {
  if (validate(data)) return [];
  const causes = collapseAlternatives(validate.errors ?? []).map((e) => describe(e, data));
  const seen = new Set<string>();
  return causes.filter((c) => {
    const key = `${c.field}|${c.message}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
}

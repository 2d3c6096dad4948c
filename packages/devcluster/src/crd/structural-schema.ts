// Kubernetes' structural-schema rules for CRD schemas (apiextensions' ValidateStructural): every
// node says its `type`; inside anyOf/allOf/oneOf/not only value validations are allowed; every
// field named there is also declared outside; metadata may restrict name/generateName only.
// A CRD whose schema breaks them is refused, and its defaults and CEL rules are not looked at.
import type { StatusCause } from '../api/errors';
import { isPlainObject } from '../api/types';
import type { Schema } from './schema';

type Level = 'root' | 'item' | 'field';

const required = (field: string, message: string): StatusCause => ({
  reason: 'FieldValueRequired',
  message: `Required value: ${message}`,
  field,
});
const forbidden = (field: string, message: string): StatusCause => ({
  reason: 'FieldValueForbidden',
  message: `Forbidden: ${message}`,
  field,
});
const invalid = (field: string, value: unknown, message: string): StatusCause => ({
  reason: 'FieldValueInvalid',
  message: `Invalid value: ${JSON.stringify(value)}: ${message}`,
  field,
});

/** Keywords a schema inside a junctor (anyOf...) may not use, with the real server's wording. */
const FORBIDDEN_IN_JUNCTORS: [keyword: string, message: string][] = [
  ['type', 'must be empty to be structural'],
  ['additionalProperties', 'must be undefined to be structural'],
  ['default', 'must be undefined to be structural'],
  ['title', 'must be empty to be structural'],
  ['description', 'must be empty to be structural'],
  ['nullable', 'must be false to be structural'],
  ['externalDocs', 'must be undefined to be structural'],
  ['x-kubernetes-preserve-unknown-fields', 'must be false to be structural'],
  ['x-kubernetes-embedded-resource', 'must be false to be structural'],
  ['x-kubernetes-int-or-string', 'must be false to be structural'],
  ['x-kubernetes-list-map-keys', 'must be empty to be structural'],
  ['x-kubernetes-list-type', 'must be undefined to be structural'],
  ['x-kubernetes-map-type', 'must be undefined to be structural'],
  ['x-kubernetes-validations', 'must be empty to be structural'],
];

const JUNCTORS = ['anyOf', 'allOf', 'oneOf'] as const;

function isSet(schema: Schema, keyword: string): boolean {
  const value = schema[keyword];
  if (value === undefined || value === false || value === '') return false;
  return !(Array.isArray(value) && value.length === 0);
}

/** `anyOf: [{type: integer}, {type: string}]`, the one typed junctor int-or-string may use. */
function isIntOrStringAnyOf(anyOf: Schema[] | undefined): boolean {
  return (
    anyOf?.length === 2 &&
    anyOf.every((s, i) => Object.keys(s).length === 1 && s.type === ['integer', 'string'][i])
  );
}

function nestedErrors(schema: Schema, path: string, skipAnyOf: boolean): StatusCause[] {
  const causes = junctorErrors(schema, path, skipAnyOf);
  if (isPlainObject(schema.items))
    causes.push(...nestedErrors(schema.items, `${path}.items`, false));
  for (const [key, child] of Object.entries(schema.properties ?? {}))
    causes.push(...nestedErrors(child, `${path}.properties[${key}]`, false));
  for (const [keyword, message] of FORBIDDEN_IN_JUNCTORS)
    if (isSet(schema, keyword)) causes.push(forbidden(`${path}.${keyword}`, message));
  if (schema.properties?.metadata)
    causes.push(
      forbidden(`${path}.properties[metadata]`, 'must not be specified in a nested context'),
    );
  return causes;
}

function junctorErrors(schema: Schema, path: string, skipAnyOf: boolean): StatusCause[] {
  const causes: StatusCause[] = [];
  const skipFirstAllOfAnyOf = isIntOrStringAnyOf(schema.allOf?.[0]?.anyOf);
  for (const junctor of JUNCTORS) {
    if (junctor === 'anyOf' && skipAnyOf) continue;
    (schema[junctor] ?? []).forEach((nested, i) =>
      causes.push(
        ...nestedErrors(
          nested,
          `${path}.${junctor}[${i}]`,
          junctor === 'allOf' && i === 0 && skipFirstAllOfAnyOf,
        ),
      ),
    );
  }
  if (isPlainObject(schema.not))
    causes.push(...nestedErrors(schema.not as Schema, `${path}.not`, false));
  return causes;
}

function invariantErrors(schema: Schema, level: Level, path: string): StatusCause[] {
  const causes: StatusCause[] = [];
  if (schema.type === 'array' && !schema.items)
    causes.push(required(`${path}.items`, 'must be specified'));
  if (schema.items) causes.push(...invariantErrors(schema.items, 'item', `${path}.items`));
  for (const [key, child] of Object.entries(schema.properties ?? {}))
    causes.push(...invariantErrors(child, 'field', `${path}.properties[${key}]`));
  if (schema.additionalProperties !== undefined && schema.additionalProperties !== false) {
    if (level === 'root')
      causes.push(forbidden(`${path}.additionalProperties`, 'must not be used at the root'));
    if (isPlainObject(schema.additionalProperties))
      causes.push(
        ...invariantErrors(schema.additionalProperties, 'field', `${path}.additionalProperties`),
      );
  }
  const intOrString = schema['x-kubernetes-int-or-string'] === true;
  const embedded = schema['x-kubernetes-embedded-resource'] === true;
  if (intOrString && schema['x-kubernetes-preserve-unknown-fields'])
    causes.push(
      invalid(
        `${path}.x-kubernetes-preserve-unknown-fields`,
        true,
        'must be false if x-kubernetes-int-or-string is true',
      ),
    );
  if (intOrString && embedded)
    causes.push(
      invalid(
        `${path}.x-kubernetes-embedded-resource`,
        true,
        'must be false if x-kubernetes-int-or-string is true',
      ),
    );
  causes.push(...junctorErrors(schema, path, isIntOrStringAnyOf(schema.anyOf)));
  if (typeof schema.pattern === 'string') {
    try {
      new RegExp(schema.pattern, 'u');
    } catch (error) {
      causes.push(
        invalid(
          `${path}.pattern`,
          schema.pattern,
          `must be a valid regular expression, but isn't: ${(error as Error).message}`,
        ),
      );
    }
  }
  if (embedded && schema.type !== 'object') {
    const message = 'must be object if x-kubernetes-embedded-resource is true';
    causes.push(
      schema.type
        ? invalid(`${path}.type`, schema.type, message)
        : required(`${path}.type`, message),
    );
  } else if (!schema.type && !intOrString && !schema['x-kubernetes-preserve-unknown-fields']) {
    const where = {
      root: 'at the root',
      item: 'for specified array items',
      field: 'for specified object fields',
    };
    causes.push(required(`${path}.type`, `must not be empty ${where[level]}`));
  }
  if (embedded && schema.additionalProperties !== undefined)
    causes.push(
      forbidden(
        `${path}.additionalProperties`,
        'must not be used if x-kubernetes-embedded-resource is set',
      ),
    );
  if (level === 'root' && schema.type && schema.type !== 'object')
    causes.push(invalid(`${path}.type`, schema.type, 'must be object at the root'));
  const checkMetadata = level === 'root' || embedded;
  for (const key of ['kind', 'apiVersion']) {
    const child = schema.properties?.[key];
    if (child && checkMetadata && child.type !== 'string')
      causes.push(invalid(`${path}.properties[${key}].type`, child.type ?? '', 'must be string'));
  }
  const metadata = schema.properties?.metadata;
  if (metadata)
    causes.push(...metadataErrors(metadata, checkMetadata, level, `${path}.properties[metadata]`));
  if (
    embedded &&
    !schema['x-kubernetes-preserve-unknown-fields'] &&
    !Object.keys(schema.properties ?? {}).length
  )
    causes.push(
      required(
        `${path}.properties`,
        'must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields',
      ),
    );
  return causes;
}

/** Root metadata may only say its type and default besides restricting name/generateName. */
const METADATA_KEYWORDS = new Set(['type', 'default', 'properties']);

function metadataErrors(
  metadata: Schema,
  checkMetadata: boolean,
  level: Level,
  path: string,
): StatusCause[] {
  const causes: StatusCause[] = [];
  if (checkMetadata && metadata.type !== 'object')
    causes.push(invalid(`${path}.type`, metadata.type ?? '', 'must be object'));
  if (level !== 'root') return causes;
  const properties = Object.keys(metadata.properties ?? {});
  const onlyNames = properties.every((p) => p === 'name' || p === 'generateName');
  const others = Object.keys(metadata).filter((k) => !METADATA_KEYWORDS.has(k));
  if (!onlyNames || others.length)
    causes.push(
      forbidden(
        path,
        'must not specify anything other than name and generateName, but metadata is implicitly specified',
      ),
    );
  return causes;
}

/**
 * Fields named in the root's value validations (anyOf...) must be declared in the structural part.
 * Like the real server, only the root's junctors are checked.
 */
function completenessErrors(schema: Schema, path: string): StatusCause[] {
  const causes: StatusCause[] = [];
  const check = (nested: Schema, structural: Schema | undefined, sPath: string, vPath: string) => {
    if (!structural) {
      causes.push(required(sPath, `because it is defined in ${vPath}`));
      return;
    }
    for (const junctor of JUNCTORS)
      (nested[junctor] ?? []).forEach((n, i) =>
        check(n, structural, sPath, `${vPath}.${junctor}[${i}]`),
      );
    if (isPlainObject(nested.not)) check(nested.not as Schema, structural, sPath, `${vPath}.not`);
    if (nested.items) check(nested.items, structural.items, `${sPath}.items`, `${vPath}.items`);
    for (const [key, child] of Object.entries(nested.properties ?? {}))
      check(
        child,
        structural.properties?.[key],
        `${sPath}.properties[${key}]`,
        `${vPath}.properties[${key}]`,
      );
  };
  for (const junctor of JUNCTORS)
    (schema[junctor] ?? []).forEach((n, i) => check(n, schema, path, `${path}.${junctor}[${i}]`));
  if (isPlainObject(schema.not)) check(schema.not as Schema, schema, path, `${path}.not`);
  return causes;
}

/** Every structural-schema violation, sorted as the real server sorts them (by message text). */
export function structuralErrors(schema: Schema, path: string): StatusCause[] {
  const causes = [...invariantErrors(schema, 'root', path), ...completenessErrors(schema, path)];
  const text = (c: StatusCause) => `${c.field}: ${c.message}`;
  return causes.sort((a, b) => (text(a) < text(b) ? -1 : text(a) > text(b) ? 1 : 0));
}

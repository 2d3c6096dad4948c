// Structural-schema behaviour of CRDs: pruning unknown fields, applying defaults, and the
// list-type uniqueness rules (`x-kubernetes-list-type: set|map`).
import type { StatusCause } from '../api/errors';
import { isPlainObject } from '../api/types';
import { deepEqual } from '../util/deep-equal';
import { fieldPath, propertySchema, type Schema } from './schema';

const ROOT_FIELDS = new Set(['apiVersion', 'kind', 'metadata']);

/** Removes fields the schema does not declare; returns their paths (for warnings or strict errors). */
export function prune(schema: Schema, value: unknown, path = '', root = true): string[] {
  if (schema['x-kubernetes-preserve-unknown-fields'] && !schema.properties && !schema.items)
    return [];
  const pruned: string[] = [];
  if (Array.isArray(value)) {
    if (schema.items)
      value.forEach((item, i) =>
        pruned.push(...prune(schema.items!, item, fieldPath(path, i), false)),
      );
    return pruned;
  }
  if (!isPlainObject(value)) return pruned;
  for (const key of Object.keys(value)) {
    if (root && ROOT_FIELDS.has(key)) continue;
    const child = propertySchema(schema, key);
    if (child) pruned.push(...prune(child, value[key], fieldPath(path, key), false));
    else if (
      !schema['x-kubernetes-preserve-unknown-fields'] &&
      schema.additionalProperties !== true
    ) {
      delete value[key];
      pruned.push(fieldPath(path, key));
    }
  }
  return pruned;
}

/** Fills in `default`s for absent properties, recursively (defaults of defaults apply too). */
export function applyDefaults(schema: Schema, value: unknown): void {
  if (Array.isArray(value)) {
    if (schema.items) value.forEach((item) => applyDefaults(schema.items!, item));
    return;
  }
  if (!isPlainObject(value)) return;
  for (const [key, child] of Object.entries(schema.properties ?? {})) {
    if (
      (value[key] === undefined || (value[key] === null && !child.nullable)) &&
      child.default !== undefined
    )
      value[key] = structuredClone(child.default);
    if (value[key] !== undefined) applyDefaults(child, value[key]);
  }
  if (typeof schema.additionalProperties === 'object') {
    for (const key of Object.keys(value))
      if (!schema.properties?.[key]) applyDefaults(schema.additionalProperties, value[key]);
  }
}

/** Duplicate entries in `set` and `map` lists, reported like the real server. */
export function listTypeErrors(schema: Schema, value: unknown, path = ''): StatusCause[] {
  const causes: StatusCause[] = [];
  if (Array.isArray(value)) {
    const listType = schema['x-kubernetes-list-type'];
    const keys = schema['x-kubernetes-list-map-keys'] ?? [];
    const seen: unknown[] = [];
    value.forEach((item, i) => {
      const identity =
        listType === 'map' && isPlainObject(item)
          ? Object.fromEntries(keys.map((k) => [k, item[k]]))
          : item;
      if ((listType === 'set' || listType === 'map') && seen.some((s) => deepEqual(s, identity))) {
        causes.push({
          reason: 'FieldValueDuplicate',
          message: `Duplicate value: ${JSON.stringify(identity)}`,
          field: fieldPath(path, i),
        });
      }
      seen.push(identity);
      if (schema.items) causes.push(...listTypeErrors(schema.items, item, fieldPath(path, i)));
    });
  } else if (isPlainObject(value)) {
    for (const [key, child] of Object.entries(value)) {
      const childSchema = propertySchema(schema, key);
      if (childSchema) causes.push(...listTypeErrors(childSchema, child, fieldPath(path, key)));
    }
  }
  return causes;
}

// Admission of custom resources: prune unknown fields, apply schema defaults, then validate
// against the OpenAPI schema, list types and CEL rules, reporting every failing field.
import type { Pruning } from '../api/objects';
import type { Strategy } from '../api/resource-type';
import { celErrors } from './cel-rules';
import { compileSchema, schemaErrors } from './openapi-validation';
import type { Schema } from './schema';
import { applyDefaults, listTypeErrors, prune } from './structural';

export function customResourceStrategy(schema: Schema): Strategy & Pruning {
  const validate = compileSchema(schema);
  return {
    prune: (object) => prune(schema, object),
    prepare: (object) => applyDefaults(schema, object),
    validate: (object, old) => [
      ...schemaErrors(validate, object),
      ...listTypeErrors(schema, object),
      ...celErrors(schema, object, old, old !== undefined),
    ],
  };
}

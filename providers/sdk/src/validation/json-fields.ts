// Decoding of the `*_json` request fields: JSON.parse plus a TypeBox check against the wire
// schema, with an INVALID_ARGUMENT that names the exact field (`class_json.cpu: must be >= 1`).
import type { Static, TSchema } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { ValueErrorType, type ValueError } from '@sinclair/typebox/value';
import { invalidArgument, ProviderError } from '../errors';

const MAX_REPORTED_PROBLEMS = 3;
const compiled = new WeakMap<TSchema, TypeCheck<TSchema>>();

function checkerFor<T extends TSchema>(schema: T): TypeCheck<T> {
  let checker = compiled.get(schema);
  if (!checker) {
    checker = TypeCompiler.Compile(schema);
    compiled.set(schema, checker);
  }
  return checker as TypeCheck<T>;
}

/** `/disks/0/sizeGiB` under `desired_json` → `desired_json.disks[0].sizeGiB`. */
export function fieldPath(field: string, pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce(
      (path, segment) => (/^\d+$/.test(segment) ? `${path}[${segment}]` : `${path}.${segment}`),
      field,
    );
}

const TYPE_NAMES: Partial<Record<ValueErrorType, string>> = {
  [ValueErrorType.Integer]: 'an integer',
  [ValueErrorType.Number]: 'a number',
  [ValueErrorType.String]: 'a string',
  [ValueErrorType.Boolean]: 'true or false',
  [ValueErrorType.Object]: 'an object',
  [ValueErrorType.Array]: 'an array',
};

function describeProblem(error: ValueError): string {
  const schema = error.schema as Record<string, unknown>;
  switch (error.type) {
    case ValueErrorType.ObjectRequiredProperty:
      return 'is required';
    case ValueErrorType.IntegerMinimum:
    case ValueErrorType.NumberMinimum:
      return `must be >= ${schema.minimum}`;
    case ValueErrorType.IntegerMaximum:
    case ValueErrorType.NumberMaximum:
      return `must be <= ${schema.maximum}`;
    case ValueErrorType.StringMinLength:
      return schema.minLength === 1
        ? 'must not be empty'
        : `must be at least ${schema.minLength} characters`;
    case ValueErrorType.StringMaxLength:
      return `must be at most ${schema.maxLength} characters`;
    case ValueErrorType.StringPattern:
      return `must match ${schema.pattern}`;
    case ValueErrorType.ArrayMaxItems:
      return `must have at most ${schema.maxItems} items`;
    case ValueErrorType.Kind:
      return Array.isArray(schema.enum)
        ? `must be one of ${schema.enum.join(', ')}`
        : error.message;
    default:
      return TYPE_NAMES[error.type] ? `must be ${TYPE_NAMES[error.type]}` : error.message;
  }
}

/** Throws INVALID_ARGUMENT naming the first problems of `value` against `schema`. */
export function checkValue<T extends TSchema>(field: string, schema: T, value: unknown): Static<T> {
  const checker = checkerFor(schema);
  if (checker.Check(value)) return value as Static<T>;
  const problems = new Map<string, string>();
  for (const error of checker.Errors(value)) {
    const path = fieldPath(field, error.path);
    if (!problems.has(path)) problems.set(path, `${path}: ${describeProblem(error)}`);
    if (problems.size >= MAX_REPORTED_PROBLEMS) break;
  }
  // Every problem already starts with its own field path.
  throw new ProviderError('INVALID_ARGUMENT', [...problems.values()].join('; '));
}

export interface JsonFieldOptions<T> {
  /** Value of an empty field; the field is required when absent. */
  whenEmpty?: T;
}

/** Parses and checks one `*_json` field. */
export function parseJsonField<T extends TSchema>(
  field: string,
  text: string,
  schema: T,
  options: JsonFieldOptions<Static<T>> = {},
): Static<T> {
  if (text.trim() === '') {
    if (options.whenEmpty !== undefined) return options.whenEmpty;
    throw invalidArgument(field, 'is required');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    // The parser's message quotes the input; only the position is repeated.
    const position = /position (\d+)/.exec((err as Error).message)?.[1];
    throw invalidArgument(
      field,
      `is not valid JSON${position ? ` (at position ${position})` : ''}`,
    );
  }
  return checkValue(field, schema, value);
}

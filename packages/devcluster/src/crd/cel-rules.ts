// `x-kubernetes-validations`: CEL rules on CRD schema nodes, evaluated with @bufbuild/cel.
// `self` is the node's value, `oldSelf` its previous value on updates (transition rules are
// skipped on create, and rules on unchanged values are skipped on update, as with ratcheting).
// Values are typed by the schema (integers become CEL ints, objects maps).
import { celEnv, isCelError, parse, plan, type CelInput } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';
import type { StatusCause } from '../api/errors';
import { isPlainObject } from '../api/types';
import { deepEqual } from '../util/deep-equal';
import { fieldPath, propertySchema, type Schema, type ValidationRule } from './schema';

type Program = (bindings: Record<string, CelInput>) => unknown;

const env = celEnv({ funcs: strings });
const programs = new Map<string, Program>();

function compile(expression: string): Program {
  let program = programs.get(expression);
  if (!program) {
    const planned = plan(env, parse(expression));
    program = (bindings) => planned(bindings);
    programs.set(expression, program);
  }
  return program;
}

/** The error for an expression that does not compile, at `field`, or undefined. */
export function ruleCompileError(expression: string, field: string): StatusCause | undefined {
  try {
    compile(expression);
    return undefined;
  } catch (error) {
    return {
      reason: 'FieldValueInvalid',
      message: `Invalid value: ${JSON.stringify(expression)}: compilation failed: ${(error as Error).message}`,
      field,
    };
  }
}

/** A JSON value as CEL sees it under its schema. */
export function toCel(schema: Schema | undefined, value: unknown): CelInput {
  if (Array.isArray(value)) return value.map((item) => toCel(schema?.items, item));
  if (isPlainObject(value))
    return new Map(
      Object.entries(value).map(([k, v]) => [k, toCel(schema && propertySchema(schema, k), v)]),
    );
  if (typeof value === 'number' && Number.isInteger(value) && schema?.type !== 'number')
    return BigInt(value);
  return value as CelInput;
}

function celTypeName(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (isPlainObject(value)) return 'object';
  return typeof value === 'number'
    ? Number.isInteger(value)
      ? 'integer'
      : 'number'
    : typeof value;
}

const REASON_MESSAGES: Record<string, (message: string) => string> = {
  FieldValueForbidden: (m) => `Forbidden: ${m}`,
  FieldValueRequired: (m) => `Required value: ${m}`,
  FieldValueDuplicate: (m) => `Duplicate value: ${m}`,
};

function evaluate(
  rule: ValidationRule,
  schema: Schema,
  path: string,
  value: unknown,
  old: unknown,
  hasOld: boolean,
): StatusCause | undefined {
  const usesOldSelf = /\boldSelf\b/.test(rule.rule);
  if (usesOldSelf && !hasOld && !rule.optionalOldSelf) return undefined;
  const bindings: Record<string, CelInput> = { self: toCel(schema, value) };
  if (usesOldSelf) bindings.oldSelf = hasOld ? toCel(schema, old) : null;
  let result: unknown;
  try {
    result = compile(rule.rule)(bindings);
  } catch (error) {
    result = error;
  }
  if (result === true) return undefined;
  if (isCelError(result) || result instanceof Error) {
    // Reported at the node, not at the rule's fieldPath, worded as cel-go's runtime errors.
    const error = (result as Error).message.replace(/^field not found: /, 'no such key: ');
    return {
      reason: 'FieldValueInvalid',
      message: `Invalid value: "${celTypeName(value)}": ${error} evaluating rule: ${rule.message?.trim() || rule.rule.trim()}`,
      field: path,
    };
  }
  const field = rule.fieldPath ? `${path}${rule.fieldPath}`.replace(/^\./, '') : path;
  let message = rule.message ?? `failed rule: ${rule.rule}`;
  if (rule.messageExpression) {
    try {
      const custom = compile(rule.messageExpression)(bindings);
      if (typeof custom === 'string' && custom) message = custom;
    } catch {
      // keep the static message, as the real server does
    }
  }
  const reason = rule.reason ?? 'FieldValueInvalid';
  return {
    reason,
    message:
      REASON_MESSAGES[reason]?.(message) ?? `Invalid value: "${celTypeName(value)}": ${message}`,
    field,
  };
}

/** Every failed rule below `schema`, walking `value` (and `old` where it still exists). */
export function celErrors(
  schema: Schema,
  value: unknown,
  old: unknown,
  hasOld: boolean,
  path = '',
): StatusCause[] {
  if (value === undefined || value === null) return [];
  if (hasOld && deepEqual(value, old)) return [];
  const causes: StatusCause[] = [];
  for (const rule of schema['x-kubernetes-validations'] ?? []) {
    const cause = evaluate(rule, schema, path, value, old, hasOld);
    if (cause) causes.push(cause);
  }
  if (Array.isArray(value) && schema.items) {
    const keys = schema['x-kubernetes-list-map-keys'];
    value.forEach((item, i) => {
      // Map lists correlate old items by key, other lists by position.
      const previous = Array.isArray(old)
        ? keys && isPlainObject(item)
          ? old.find((o) => isPlainObject(o) && keys.every((k) => deepEqual(o[k], item[k])))
          : schema['x-kubernetes-list-type'] === 'atomic' || !schema['x-kubernetes-list-type']
            ? undefined
            : old[i]
        : undefined;
      causes.push(
        ...celErrors(schema.items!, item, previous, previous !== undefined, fieldPath(path, i)),
      );
    });
  } else if (isPlainObject(value)) {
    for (const [key, child] of Object.entries(value)) {
      const childSchema = propertySchema(schema, key);
      if (!childSchema) continue;
      const previous = isPlainObject(old) ? old[key] : undefined;
      causes.push(
        ...celErrors(childSchema, child, previous, previous !== undefined, fieldPath(path, key)),
      );
    }
  }
  return causes;
}

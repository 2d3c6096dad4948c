// Parameter verification as Proxmox's PVE::JSONSchema does it for every API call: unknown
// parameters, missing required ones, types, enums, patterns, ranges, lengths, named formats and
// property strings (`virtio,bridge=vmbr0,tag=42`). The result is Proxmox's 400 `errors` object:
// parameter name → message, with Proxmox's wording.
import type { ParamSchema } from './api-schema';
import { NAMED_FORMATS } from './formats';

export type RawParams = Record<string, string | string[]>;
export type ParamErrors = Record<string, string>;

const TRUE = /^(1|on|yes|true)$/i;
const FALSE = /^(0|off|no|false)$/i;
const INTEGER = /^[+-]?\d+$/;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const patternCache = new Map<string, RegExp>();

/** Perl patterns from the schema (`(?^:...)`, `(?^i:...)`) as anchored JavaScript regexes. */
function perlPattern(pattern: string): RegExp {
  let regex = patternCache.get(pattern);
  if (!regex) {
    const caseless = pattern.includes('(?^i:');
    const source = pattern.replace(/\(\?\^i?:/g, '(?:');
    regex = new RegExp(`^(?:${source})$`, caseless ? 'i' : '');
    patternCache.set(pattern, regex);
  }
  return regex;
}

/** The schema entry for `name`, including indexed families such as `net[n]` for `net0`. */
export function propertySchema(
  properties: Record<string, ParamSchema>,
  name: string,
): ParamSchema | undefined {
  if (Object.hasOwn(properties, name)) return properties[name];
  const indexed = /^([a-z][a-z_-]*?)(\d+)$/i.exec(name);
  return indexed ? properties[`${indexed[1]}[n]`] : undefined;
}

/** Checks one value against its schema; returns Proxmox's message or undefined. */
export function checkValue(schema: ParamSchema, value: string): string | undefined {
  const problem = checkType(schema, value);
  if (problem) return problem;
  if (schema.enum && !schema.enum.includes(value)) {
    return `value '${value}' does not have a value in the enumeration '${schema.enum.join(', ')}'`;
  }
  if (schema.type === 'integer' || schema.type === 'number') return checkRange(schema, value);
  if (schema.type === 'boolean') return undefined;
  if (schema.maxLength !== undefined && value.length > schema.maxLength) {
    return `value may only be ${schema.maxLength} characters long`;
  }
  if (schema.minLength !== undefined && value.length < schema.minLength) {
    return `value must be at least ${schema.minLength} characters long`;
  }
  if (schema.pattern && !perlPattern(schema.pattern).test(value)) {
    return 'value does not match the regex pattern';
  }
  if (typeof schema.format === 'object') return checkPropertyString(schema.format, value);
  if (typeof schema.format === 'string') return NAMED_FORMATS[schema.format]?.(value);
  return undefined;
}

function checkType(schema: ParamSchema, value: string): string | undefined {
  const ok =
    schema.type === 'integer'
      ? INTEGER.test(value)
      : schema.type === 'number'
        ? NUMBER.test(value)
        : schema.type === 'boolean'
          ? TRUE.test(value) || FALSE.test(value)
          : true;
  return ok ? undefined : `type check ('${schema.type}') failed - got '${value}'`;
}

function checkRange(schema: ParamSchema, value: string): string | undefined {
  const number = Number(value);
  if (schema.minimum !== undefined && number < Number(schema.minimum)) {
    return `value must have a minimum value of ${schema.minimum}`;
  }
  if (schema.maximum !== undefined && number > Number(schema.maximum)) {
    return `value must have a maximum value of ${schema.maximum}`;
  }
  return undefined;
}

/** Splits and checks `key=value,...` against the keys of a property string format. */
export function checkPropertyString(
  keys: Record<string, ParamSchema>,
  value: string,
): string | undefined {
  const parsed = parsePropertyString(keys, value);
  if (typeof parsed === 'string') return `invalid format - ${parsed}`;
  const problems: string[] = [];
  for (const [key, given] of Object.entries(parsed)) {
    const problem = checkValue(keys[key], given);
    if (problem) problems.push(`${key}: ${problem}`);
  }
  for (const [key, schema] of Object.entries(keys)) {
    if (!schema.alias && !schema.optional && parsed[key] === undefined) {
      problems.push(`${key}: property is missing and it is not optional`);
    }
  }
  return problems.length ? `invalid format - format error\n${problems.join('\n')}` : undefined;
}

/** The keys of a property string with aliases resolved, or a parse problem. */
export function parsePropertyString(
  keys: Record<string, ParamSchema>,
  value: string,
): Record<string, string> | string {
  const defaultKey = Object.keys(keys).find((key) => keys[key].default_key);
  const parsed: Record<string, string> = {};
  const set = (key: string, v: string) => {
    if (parsed[key] !== undefined) return `duplicate key in comma-separated list property: ${key}`;
    parsed[key] = v;
    return undefined;
  };
  for (const part of value.split(',')) {
    const eq = part.indexOf('=');
    let key = eq < 0 ? defaultKey : part.slice(0, eq);
    const v = eq < 0 ? part : part.slice(eq + 1);
    if (key === undefined) return `value without key, but schema does not define a default key`;
    const schema = keys[key];
    if (!schema) return `unknown property '${key}'`;
    let problem: string | undefined;
    if (schema.alias && schema.keyAlias) {
      problem = set(schema.keyAlias, key) ?? set(schema.alias, v);
    } else {
      key = schema.alias ?? key;
      problem = set(key, v);
    }
    if (problem) return problem;
  }
  return parsed;
}

/**
 * Verifies all parameters of one call (path parameters included, as Proxmox merges them).
 * Returns an empty object when the call is valid.
 */
export function verifyParameters(
  definition: { additionalProperties?: 0 | 1; properties?: Record<string, ParamSchema> },
  params: RawParams,
): ParamErrors {
  const properties = definition.properties ?? {};
  const errors: ParamErrors = {};
  for (const [name, given] of Object.entries(params)) {
    const schema = propertySchema(properties, name);
    if (!schema) {
      if (definition.additionalProperties !== 1) {
        errors[name] =
          'property is not defined in schema and the schema does not allow additional properties';
      }
      continue;
    }
    const problem = checkGiven(schema, given);
    if (problem) errors[name] = problem;
    else if (schema.requires && params[schema.requires] === undefined) {
      errors[schema.requires] = `parameter '${name}' requires this parameter`;
    }
  }
  for (const [name, schema] of Object.entries(properties)) {
    if (!schema.optional && !name.endsWith('[n]') && params[name] === undefined) {
      errors[name] ??= 'property is missing and it is not optional';
    }
  }
  return errors;
}

function checkGiven(schema: ParamSchema, given: string | string[]): string | undefined {
  if (schema.type === 'array') {
    const items = Array.isArray(given) ? given : [given];
    return items.map((item) => checkValue(schema.items ?? {}, item)).find(Boolean);
  }
  if (Array.isArray(given)) return `type check ('${schema.type}') failed - got an array`;
  return checkValue(schema, given);
}

// What the real server checks of a CRD's openAPIV3Schema at create/update: structural rules
// first (a non-structural schema gets only those errors); then every CEL rule compiles and its
// estimated cost fits the per-rule and per-CRD budgets; then every `default` is valid against
// its schema and the CEL rules of its object (evaluated on the default as written: defaults
// inside it are not applied first, so `default: {}` under `self.a > self.b` fails).
import type { StatusCause } from '../api/errors';
import { isPlainObject } from '../api/types';
import {
  costExceededMessage,
  declType,
  estimateCost,
  STATIC_ESTIMATED_COST_LIMIT,
  STATIC_ESTIMATED_CRD_COST_LIMIT,
  UNBOUNDED,
} from './cel-cost';
import { celErrors, ruleCompileError } from './cel-rules';
import { compileSchema, schemaErrors } from './openapi-validation';
import type { Schema } from './schema';
import { prune } from './structural';
import { structuralErrors } from './structural-schema';

/** A JSON value printed as Go's %#v prints the decoded value, as the real server quotes defaults. */
function goSyntax(value: unknown): string {
  if (Array.isArray(value)) return `[]interface {}{${value.map(goSyntax).join(', ')}}`;
  if (isPlainObject(value)) {
    const entries = Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${goSyntax(value[key])}`);
    return `map[string]interface {}{${entries.join(', ')}}`;
  }
  if (value === null) return 'interface {}(nil)';
  return JSON.stringify(value);
}

/** The rules costing 1 % of the CRD budget or more are named when the total is over it. */
const NAMED_EXPENSIVE_RULES = 4;

interface RuleCost {
  field: string;
  cost: number;
}

function celRuleErrors(schema: Schema, path: string): StatusCause[] {
  const causes: StatusCause[] = [];
  const costs: RuleCost[] = [];
  const walk = (node: Schema, at: string, cardinality: number, resourceRoot: boolean) => {
    const rules = node['x-kubernetes-validations'] ?? [];
    const type = declType(node, resourceRoot);
    rules.forEach((rule, i) => {
      const field = `${at}.x-kubernetes-validations[${i}].rule`;
      const error = ruleCompileError(rule.rule, field);
      if (error) return causes.push(error);
      if (!type) return;
      const cost = Math.min(UNBOUNDED, estimateCost(rule.rule, type) * cardinality);
      if (cost > STATIC_ESTIMATED_COST_LIMIT)
        causes.push({
          reason: 'FieldValueForbidden',
          message: `Forbidden: ${costExceededMessage('estimated rule cost', cost, STATIC_ESTIMATED_COST_LIMIT)}`,
          field,
        });
      costs.push({ field, cost });
    });
    rules.forEach((rule, i) => {
      if (rule.messageExpression === undefined) return;
      const error = ruleCompileError(
        rule.messageExpression,
        `${at}.x-kubernetes-validations[${i}].messageExpression`,
      );
      if (error) causes.push(error);
    });
    for (const [key, child] of Object.entries(node.properties ?? {}))
      walk(
        child,
        `${at}.properties[${key}]`,
        cardinality,
        child['x-kubernetes-embedded-resource'] === true,
      );
    if (node.items)
      walk(
        node.items,
        `${at}.items`,
        Math.min(UNBOUNDED, cardinality * (type?.maxElements ?? UNBOUNDED)),
        node.items['x-kubernetes-embedded-resource'] === true,
      );
    if (isPlainObject(node.additionalProperties))
      walk(
        node.additionalProperties,
        `${at}.additionalProperties`,
        Math.min(UNBOUNDED, cardinality * (type?.maxElements ?? UNBOUNDED)),
        node.additionalProperties['x-kubernetes-embedded-resource'] === true,
      );
  };
  walk(schema, path, 1, true);
  const total = costs.reduce((sum, c) => Math.min(UNBOUNDED, sum + c.cost), 0);
  if (total > STATIC_ESTIMATED_CRD_COST_LIMIT) {
    const expensive = costs
      .filter((c) => c.cost >= STATIC_ESTIMATED_COST_LIMIT / 100)
      .sort((a, b) => b.cost - a.cost)
      .slice(0, NAMED_EXPENSIVE_RULES);
    for (const { field } of expensive)
      causes.push({
        reason: 'FieldValueForbidden',
        message:
          'Forbidden: contributed to estimated rule cost total exceeding cost limit for entire OpenAPIv3 schema',
        field,
      });
    causes.push({
      reason: 'FieldValueForbidden',
      message: `Forbidden: ${costExceededMessage('x-kubernetes-validations estimated rule cost total for entire OpenAPIv3 schema', total, STATIC_ESTIMATED_CRD_COST_LIMIT)}`,
      field: path,
    });
  }
  return causes;
}

/** A default must declare only known fields, pass its schema, then its node's CEL rules. */
function ownDefaultErrors(schema: Schema, at: string): StatusCause[] {
  if (prune(schema, structuredClone(schema.default), '', false).length) {
    return [
      {
        reason: 'FieldValueInvalid',
        message: `Invalid value: ${goSyntax(schema.default)}: must not have unknown fields`,
        field: at,
      },
    ];
  }
  const invalid = schemaErrors(compileSchema(schema), schema.default).map((cause) => ({
    ...cause,
    field: cause.field ? `${at}.${cause.field}` : at,
  }));
  return invalid.length ? invalid : celErrors(schema, schema.default, undefined, false, at);
}

/** Every `default` in the schema, each checked by ownDefaultErrors. */
function defaultErrors(schema: Schema, path: string, root: boolean): StatusCause[] {
  const causes: StatusCause[] = [];
  if (schema.default !== undefined && !root)
    causes.push(...ownDefaultErrors(schema, `${path}.default`));
  for (const [key, child] of Object.entries(schema.properties ?? {}))
    if (!(root && key === 'metadata'))
      causes.push(...defaultErrors(child, `${path}.properties[${key}]`, false));
  if (schema.items) causes.push(...defaultErrors(schema.items, `${path}.items`, false));
  if (isPlainObject(schema.additionalProperties))
    causes.push(
      ...defaultErrors(schema.additionalProperties, `${path}.additionalProperties`, false),
    );
  return causes;
}

/** Every reason the real server would refuse this openAPIV3Schema, at `path`. */
export function schemaAdmissionErrors(schema: Schema, path: string): StatusCause[] {
  const structural = structuralErrors(schema, path);
  if (structural.length) return structural;
  return [...celRuleErrors(schema, path), ...defaultErrors(schema, path, true)];
}

// Worst-case cost of a CEL rule on a CRD schema node, estimated the way Kubernetes v1.28 does
// at CRD creation (cel-go's static cost estimator fed with sizes from the schema): every string,
// list and map is as large as maxLength/maxItems/maxProperties allow, or, without a bound, as
// large as fits in a 3 MiB request. A rule costing more than StaticEstimatedCostLimit (times how
// often it can run: the maxItems/maxProperties of the lists and maps above it) is refused.
import { parse } from '@bufbuild/cel';
import type { Expr } from '@bufbuild/cel-spec/cel/expr/syntax_pb.js';
import type { Schema } from './schema';

/** The largest request body, from which unbounded sizes are estimated (apiserver's default). */
const MAX_REQUEST_SIZE_BYTES = 3 * 1024 * 1024;
export const STATIC_ESTIMATED_COST_LIMIT = 10_000_000;
export const STATIC_ESTIMATED_CRD_COST_LIMIT = 100_000_000;
const UNBOUNDED = Number.MAX_SAFE_INTEGER;

// cel-go's per-operation costs.
const STRING_TRAVERSAL_COST_FACTOR = 0.1;
const REGEX_STRING_LENGTH_COST_FACTOR = 0.25;
const SELECT_AND_IDENT_COST = 1;
const CONST_COST = 0;
const LIST_CREATE_BASE_COST = 10;
const MAP_CREATE_BASE_COST = 30;

/** A schema node as CEL types it, with the most elements (or characters) it can hold. */
export interface DeclType {
  kind:
    | 'object'
    | 'map'
    | 'list'
    | 'string'
    | 'bytes'
    | 'int'
    | 'double'
    | 'bool'
    | 'dyn'
    | 'timestamp'
    | 'duration'
    | 'null';
  fields?: Record<string, DeclType>;
  elem?: DeclType;
  key?: DeclType;
  maxElements: number;
  minSerializedSize: number;
}

const scalar = (kind: DeclType['kind'], minSerializedSize: number, maxElements = 0): DeclType => ({
  kind,
  maxElements,
  minSerializedSize,
});
const STRING_KEY = scalar('string', 2);

function stringMaxLength(schema: Schema): number {
  if (typeof schema.maxLength === 'number') return Math.max(0, schema.maxLength) * 4;
  switch (schema.format) {
    case 'duration':
      return 32;
    case 'date':
      return 12;
    case 'date-time':
      return 64;
    default:
      return MAX_REQUEST_SIZE_BYTES - 2;
  }
}

/** apiextensions' SchemaDeclType: undefined where CEL cannot see the value. */
export function declType(schema: Schema | undefined, resourceRoot = false): DeclType | undefined {
  if (!schema) return undefined;
  if (schema['x-kubernetes-int-or-string']) return scalar('dyn', 1, MAX_REQUEST_SIZE_BYTES - 2);
  switch (schema.type) {
    case 'array': {
      const elem = declType(
        schema.items,
        schema.items?.['x-kubernetes-embedded-resource'] === true,
      );
      if (!elem) return undefined;
      const maxElements =
        typeof schema.maxItems === 'number'
          ? Math.max(0, schema.maxItems)
          : Math.floor((MAX_REQUEST_SIZE_BYTES - 2) / (elem.minSerializedSize + 1));
      return { kind: 'list', elem, maxElements, minSerializedSize: 2 };
    }
    case 'object': {
      if (typeof schema.additionalProperties === 'object') {
        const values = schema.additionalProperties;
        const elem = declType(values, values['x-kubernetes-embedded-resource'] === true);
        if (!elem) return undefined;
        const maxElements =
          typeof schema.maxProperties === 'number'
            ? Math.max(0, schema.maxProperties)
            : Math.floor((MAX_REQUEST_SIZE_BYTES - 2) / (elem.minSerializedSize + 6));
        return { kind: 'map', key: STRING_KEY, elem, maxElements, minSerializedSize: 2 };
      }
      const properties: Record<string, Schema> = { ...schema.properties };
      if (resourceRoot) {
        properties.apiVersion = { type: 'string' };
        properties.kind = { type: 'string' };
        properties.metadata = {
          type: 'object',
          properties: { name: { type: 'string' }, generateName: { type: 'string' } },
        };
      }
      const required = new Set(schema.required ?? []);
      const fields: Record<string, DeclType> = {};
      let minSerializedSize = 2;
      for (const [name, property] of Object.entries(properties)) {
        const field = declType(property, property['x-kubernetes-embedded-resource'] === true);
        if (!field) continue;
        fields[name] = field;
        if (required.has(name) && property.default === undefined)
          minSerializedSize += name.length + field.minSerializedSize + 4;
      }
      return { kind: 'object', fields, maxElements: 0, minSerializedSize };
    }
    case 'string':
      if (schema.format === 'byte') return scalar('bytes', 2, stringMaxLength(schema));
      if (schema.format === 'duration') return scalar('duration', 4, stringMaxLength(schema));
      if (schema.format === 'date' || schema.format === 'date-time')
        return scalar('timestamp', schema.format === 'date' ? 12 : 21, stringMaxLength(schema));
      return scalar('string', 2, stringMaxLength(schema));
    case 'boolean':
      return scalar('bool', 4);
    case 'number':
      return scalar('double', 1);
    case 'integer':
      return scalar('int', 1);
  }
  return undefined;
}

// Saturating arithmetic, as cel-go's uint64 helpers.
const add = (a: number, b: number) => Math.min(UNBOUNDED, a + b);
const mul = (a: number, b: number) => (a === 0 || b === 0 ? 0 : Math.min(UNBOUNDED, a * b));
const byFactor = (a: number, factor: number) => Math.min(UNBOUNDED, Math.ceil(a * factor));

interface Range {
  min: number;
  max: number;
}
const plus = (a: Range, b: Range): Range => ({ min: add(a.min, b.min), max: add(a.max, b.max) });
const union = (a: Range, b: Range): Range => ({
  min: Math.min(a.min, b.min),
  max: Math.max(a.max, b.max),
});
const scaled = (r: Range, factor: number): Range => ({
  min: byFactor(r.min, factor),
  max: byFactor(r.max, factor),
});
const product = (a: Range, b: Range): Range => ({ min: mul(a.min, b.min), max: mul(a.max, b.max) });
const ZERO: Range = { min: 0, max: 0 };
const ONE: Range = { min: 1, max: 1 };
const SELECT: Range = { min: SELECT_AND_IDENT_COST, max: SELECT_AND_IDENT_COST };

/** What the estimator knows of an evaluated sub-expression. */
interface Node {
  cost: Range;
  type?: DeclType;
  /** Where the value comes from: ['self', 'spec', '@items', ...], for size estimates. */
  path?: string[];
  /** A size known from the expression itself (literals, concatenations). */
  size?: Range;
}

const BOOL = scalar('bool', 4);
const INT = scalar('int', 1);
const STRING = scalar('string', 2);
const DYN = scalar('dyn', 1);
const listOf = (elem: DeclType): DeclType => ({
  kind: 'list',
  elem,
  maxElements: 0,
  minSerializedSize: 2,
});

const BOOL_FUNCTIONS = new Set([
  '_==_',
  '_!=_',
  '_<_',
  '_<=_',
  '_>_',
  '_>=_',
  '_&&_',
  '_||_',
  '!_',
  '@in',
  '@not_strictly_false',
  'matches',
  'startsWith',
  'endsWith',
  'contains',
  'isSorted',
]);
const STRING_RESULT_FUNCTIONS = new Set([
  'lowerAscii',
  'upperAscii',
  'replace',
  'substring',
  'trim',
  'charAt',
  'join',
  'string',
  'format',
  'quote',
]);
/** Extension functions the Kubernetes estimator prices by traversing their receiver. */
const TRAVERSING_FUNCTIONS = new Set([
  'lowerAscii',
  'upperAscii',
  'substring',
  'trim',
  'replace',
  'split',
  'join',
  'indexOf',
  'lastIndexOf',
  'find',
  'findAll',
  'charAt',
  'isSorted',
  'sum',
  'max',
  'min',
  'url',
  'isURL',
]);
const COMPARISONS = new Set(['_<_', '_<=_', '_>_', '_>=_']);

class Estimator {
  /** Iteration variables in scope, each with the range it walks. */
  private readonly ranges = new Map<string, Node[]>();

  constructor(private readonly root: DeclType) {}

  /** cel-go's sizeEstimate: literal size, else the schema's bound, else scalar or unbounded. */
  sizeOf(node: Node): Range {
    if (node.size) return node.size;
    const path = node.path && node.path[0] !== '@result' ? node.path : undefined;
    if (path?.length) {
      let type: DeclType | undefined = this.root;
      for (const name of path.slice(1)) {
        if (!type) break;
        type =
          name === '@items' || name === '@values'
            ? type.elem
            : name === '@keys'
              ? type.key
              : type.fields?.[name];
      }
      if (type) return { min: 0, max: type.maxElements };
    }
    const kind = node.type?.kind;
    if (kind && !['string', 'bytes', 'list', 'map', 'object', 'dyn'].includes(kind)) return ONE;
    return { min: 0, max: UNBOUNDED };
  }

  estimate(expr: Expr): Node {
    const kind = expr.exprKind;
    switch (kind.case) {
      case 'constExpr': {
        const c = kind.value.constantKind;
        const size =
          c.case === 'stringValue'
            ? [...c.value].length
            : c.case === 'bytesValue'
              ? c.value.length
              : 1;
        const type =
          c.case === 'stringValue'
            ? STRING
            : c.case === 'boolValue'
              ? BOOL
              : c.case === 'doubleValue'
                ? scalar('double', 1)
                : c.case === 'nullValue'
                  ? scalar('null', 4)
                  : c.case === 'bytesValue'
                    ? scalar('bytes', 2)
                    : INT;
        return { cost: { min: CONST_COST, max: CONST_COST }, type, size: { min: size, max: size } };
      }
      case 'identExpr':
        return this.ident(kind.value.name);
      case 'selectExpr': {
        const operand = this.estimate(kind.value.operand!);
        if (kind.value.testOnly) return { cost: plus(SELECT, operand.cost), type: BOOL };
        const objectLike = ['map', 'object', 'dyn'].includes(operand.type?.kind ?? 'dyn');
        const type =
          operand.type?.kind === 'object'
            ? operand.type.fields?.[kind.value.field]
            : operand.type?.kind === 'map'
              ? operand.type.elem
              : DYN;
        return {
          cost: objectLike ? plus(operand.cost, SELECT) : operand.cost,
          type: type ?? DYN,
          path: [...(operand.path ?? []), kind.value.field],
        };
      }
      case 'callExpr':
        return this.call(kind.value.function, kind.value.target, kind.value.args);
      case 'listExpr': {
        const elements = kind.value.elements.map((e) => this.estimate(e));
        const cost = elements.reduce((sum, e) => plus(sum, e.cost), {
          min: LIST_CREATE_BASE_COST,
          max: LIST_CREATE_BASE_COST,
        });
        const n = elements.length;
        return { cost, type: listOf(elements[0]?.type ?? DYN), size: { min: n, max: n } };
      }
      case 'structExpr': {
        let cost: Range = { min: MAP_CREATE_BASE_COST, max: MAP_CREATE_BASE_COST };
        let elem: DeclType = DYN;
        for (const entry of kind.value.entries) {
          if (entry.keyKind.case === 'mapKey')
            cost = plus(cost, this.estimate(entry.keyKind.value).cost);
          const value = this.estimate(entry.value!);
          cost = plus(cost, value.cost);
          elem = value.type ?? DYN;
        }
        const n = kind.value.entries.length;
        return {
          cost,
          type: { kind: 'map', key: STRING_KEY, elem, maxElements: 0, minSerializedSize: 2 },
          size: { min: n, max: n },
        };
      }
      case 'comprehensionExpr': {
        const c = kind.value;
        const range = this.estimate(c.iterRange!);
        const init = this.estimate(c.accuInit!);
        const iterPath =
          range.path && ['list', 'map'].includes(range.type?.kind ?? '')
            ? [...range.path, range.type!.kind === 'list' ? '@items' : '@keys']
            : undefined;
        const iterType =
          range.type?.kind === 'list'
            ? range.type.elem
            : range.type?.kind === 'map'
              ? range.type.key
              : DYN;
        this.push(c.iterVar, { cost: ZERO, type: iterType ?? DYN, path: iterPath });
        this.push(c.accuVar, { cost: ZERO, type: init.type, path: ['@result'] });
        const condition = this.estimate(c.loopCondition!);
        const step = this.estimate(c.loopStep!);
        this.pop(c.iterVar);
        this.push(c.accuVar, { cost: ZERO, type: step.type ?? init.type, path: ['@result'] });
        const result = this.estimate(c.result!);
        this.pop(c.accuVar);
        this.pop(c.accuVar);
        const count = this.sizeOf(range);
        const perIteration = plus(step.cost, condition.cost);
        const cost = plus(
          plus(plus(range.cost, init.cost), result.cost),
          product(count, perIteration),
        );
        return { cost, type: result.type };
      }
      default:
        return { cost: ZERO, type: DYN };
    }
  }

  private push(name: string, node: Node) {
    this.ranges.set(name, [...(this.ranges.get(name) ?? []), node]);
  }

  private pop(name: string) {
    this.ranges.get(name)?.pop();
  }

  private ident(name: string): Node {
    const bound = this.ranges.get(name)?.at(-1);
    if (bound) return { ...bound, cost: SELECT };
    if (name === 'self' || name === 'oldSelf')
      return { cost: SELECT, type: this.root, path: [name] };
    return { cost: SELECT, type: DYN, path: [name] };
  }

  private call(fn: string, targetExpr: Expr | undefined, argExprs: Expr[]): Node {
    const target = targetExpr ? this.estimate(targetExpr) : undefined;
    const args = argExprs.map((a) => this.estimate(a));
    const argSum = args.reduce((sum, a) => plus(sum, a.cost), ZERO);
    const withTarget = (cost: Range) => (target ? plus(target.cost, cost) : cost);
    const kinds = args.map((a) => a.type?.kind ?? 'dyn');
    const resultType = this.resultType(fn, target, args);
    const done = (cost: Range, size?: Range, path?: string[]): Node => ({
      cost: withTarget(cost),
      type: resultType,
      size,
      path,
    });
    switch (fn) {
      case '_&&_':
      case '_||_':
        return done({ min: args[0].cost.min, max: add(args[0].cost.max, args[1].cost.max) });
      case '_?_:_': {
        const size = union(this.sizeOf(args[1]), this.sizeOf(args[2]));
        return done(plus(args[0].cost, union(args[1].cost, args[2].cost)), size);
      }
      case '_==_':
      case '_!=_':
        return done(plus(this.traversal(args), argSum));
      case '@in':
        if (kinds[1] === 'list') return done(plus(this.sizeOf(args[1]), argSum));
        break;
      case '_+_':
        if (['string', 'bytes', 'list'].includes(kinds[0])) {
          const size = plus(this.sizeOf(args[0]), this.sizeOf(args[1]));
          if (kinds[0] === 'list') return done(plus(ONE, argSum), size);
          return done(plus(scaled(size, STRING_TRAVERSAL_COST_FACTOR), argSum), size);
        }
        break;
      case '_[_]': {
        const path = args[0].path
          ? [...args[0].path, args[0].type?.kind === 'list' ? '@items' : '@values']
          : undefined;
        return done(plus(ONE, argSum), undefined, path);
      }
      case 'matches':
        if (target && args.length === 1) {
          const text = scaled(plus(this.sizeOf(target), ONE), STRING_TRAVERSAL_COST_FACTOR);
          const regex = scaled(this.sizeOf(args[0]), REGEX_STRING_LENGTH_COST_FACTOR);
          return done(plus(product(text, regex), argSum));
        }
        break;
      case 'contains':
        if (target && args.length === 1 && target.type?.kind === 'string') {
          const text = scaled(this.sizeOf(target), STRING_TRAVERSAL_COST_FACTOR);
          const sub = scaled(this.sizeOf(args[0]), STRING_TRAVERSAL_COST_FACTOR);
          return done(plus(product(text, sub), argSum));
        }
        break;
      case 'startsWith':
      case 'endsWith':
        if (target && args.length === 1) {
          return done(plus(scaled(this.sizeOf(args[0]), STRING_TRAVERSAL_COST_FACTOR), argSum));
        }
        break;
    }
    if (target && fn === 'split') {
      // Traversed once and copied once; the worst case splits between every character.
      const size = this.sizeOf(target);
      const cost = scaled(size, 2 * STRING_TRAVERSAL_COST_FACTOR);
      return done(plus(cost, argSum), { min: 0, max: size.max });
    }
    if (target && TRAVERSING_FUNCTIONS.has(fn)) {
      const size = this.sizeOf(target);
      return done(plus(scaled(size, STRING_TRAVERSAL_COST_FACTOR), argSum), size);
    }
    if (COMPARISONS.has(fn) && ['string', 'bytes'].includes(kinds[0]))
      return done(plus(this.traversal(args), argSum));
    return done(plus(ONE, argSum));
  }

  /** Comparing two values costs a traversal of the shorter one. */
  private traversal(args: Node[]): Range {
    const smallestMax = Math.min(this.sizeOf(args[0]).max, this.sizeOf(args[1]).max);
    return scaled({ min: smallestMax > 0 ? 1 : 0, max: smallestMax }, STRING_TRAVERSAL_COST_FACTOR);
  }

  private resultType(fn: string, target: Node | undefined, args: Node[]): DeclType {
    if (BOOL_FUNCTIONS.has(fn)) return BOOL;
    if (STRING_RESULT_FUNCTIONS.has(fn)) return STRING;
    switch (fn) {
      case 'size':
      case 'int':
      case 'indexOf':
      case 'lastIndexOf':
        return INT;
      case 'double':
        return scalar('double', 1);
      case 'split':
        return listOf(STRING);
      case '_?_:_':
        return args[1].type ?? DYN;
      case '_[_]': {
        const t = args[0].type;
        return (t?.kind === 'list' || t?.kind === 'map' ? t.elem : DYN) ?? DYN;
      }
      case '_+_': {
        const [a, b] = args.map((x) => x.type);
        if (a?.kind === 'list' && a.elem?.kind === 'dyn' && b?.kind === 'list') return b;
        return a ?? DYN;
      }
      case '_-_':
      case '_*_':
      case '_/_':
      case '_%_':
      case '-_':
        return args[0].type ?? DYN;
    }
    return target?.type && ['sum', 'max', 'min'].includes(fn) ? (target.type.elem ?? DYN) : DYN;
  }
}

/** The worst-case cost of one evaluation of `rule` on a node typed `root`. */
export function estimateCost(expression: string, root: DeclType): number {
  return new Estimator(root).estimate(parse(expression).expr).cost.max;
}

/** How the real server words a cost over its limit. */
export function costExceededMessage(what: string, cost: number, limit: number): string {
  const factor = cost / limit;
  const shown =
    factor > 100
      ? 'more than 100x'
      : factor < 1.5
        ? `${factor.toFixed(6)}x`
        : `${factor.toFixed(1)}x`;
  return `${what} exceeds budget by factor of ${shown} (try simplifying the rule, or adding maxItems, maxProperties, and maxLength where arrays, maps, and strings are declared)`;
}

export { UNBOUNDED };

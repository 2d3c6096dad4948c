// The official Proxmox VE API schema (the data behind the API viewer, version 9.1.3), loaded once
// and indexed by path template, so the simulator can look up the method definition of any
// request. The file is the unmodified upstream schema, gzipped in test-fixtures/; nothing of it is
// copied into code.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';

/** One parameter (or one key of a property string) as the schema describes it. */
export interface ParamSchema {
  type?: 'string' | 'integer' | 'boolean' | 'number' | 'array' | 'object' | 'null';
  optional?: 0 | 1;
  enum?: string[];
  pattern?: string;
  /** A named format (`pve-node`) or the keys of a property string. */
  format?: string | Record<string, ParamSchema>;
  minimum?: number | string;
  maximum?: number | string;
  minLength?: number;
  maxLength?: number;
  /** Name of a parameter that must be given together with this one. */
  requires?: string;
  /** The key a property string's bare value belongs to. */
  default_key?: 0 | 1;
  /** This key is another name of `alias`. */
  alias?: string;
  /** With `alias`: `<this key>=<value>` sets `keyAlias` to this key and `alias` to the value. */
  keyAlias?: string;
  items?: ParamSchema;
}

export interface MethodInfo {
  method: string;
  name: string;
  parameters?: { additionalProperties?: 0 | 1; properties?: Record<string, ParamSchema> };
  returns?: { type?: string };
  /** Runs in a forked worker: the method returns a task UPID. */
  protected?: 1;
  /** 0 when API tokens may not call the method. */
  allowtoken?: 0 | 1;
  /** `user: "world"` marks the methods callable without authentication (login). */
  permissions?: { user?: string };
}

interface SchemaNode {
  path: string;
  info?: Record<string, MethodInfo>;
  children?: SchemaNode[];
}

export interface Endpoint {
  /** Path template, e.g. `/nodes/{node}/qemu/{vmid}/status/start`. */
  template: string;
  method: string;
  info: MethodInfo;
}

export type RouteMatch =
  | { kind: 'endpoint'; endpoint: Endpoint; pathParams: Record<string, string> }
  /** The path exists in the API but not with this method. */
  | { kind: 'method-not-allowed'; template: string }
  | { kind: 'unknown-path' };

interface Template {
  path: string;
  segments: string[];
  methods: Map<string, MethodInfo>;
}

export const DEFAULT_SCHEMA_FILE = path.join(
  __dirname,
  '..',
  '..',
  'test-fixtures',
  'pve-api-schema.json.gz',
);

function readSchemaFile(file: string): SchemaNode[] {
  const raw = readFileSync(file);
  const text = file.endsWith('.gz') ? gunzipSync(raw).toString('utf8') : raw.toString('utf8');
  return JSON.parse(text) as SchemaNode[];
}

const PARAM_SEGMENT = /^\{([^}]+)\}$/;

export class ApiSchema {
  private readonly bySegmentCount = new Map<number, Template[]>();
  readonly endpointCount: number;

  private constructor(roots: SchemaNode[]) {
    let count = 0;
    const visit = (node: SchemaNode) => {
      const methods = new Map(Object.entries(node.info ?? {}));
      count += methods.size;
      const segments = node.path.split('/').filter(Boolean);
      const list = this.bySegmentCount.get(segments.length) ?? [];
      list.push({ path: node.path, segments, methods });
      this.bySegmentCount.set(segments.length, list);
      node.children?.forEach(visit);
    };
    roots.forEach(visit);
    this.endpointCount = count;
  }

  /** Loads the schema; `PVE_API_SCHEMA` may point to another copy (plain or gzipped JSON). */
  static load(file = process.env.PVE_API_SCHEMA ?? DEFAULT_SCHEMA_FILE): ApiSchema {
    return new ApiSchema(readSchemaFile(file));
  }

  /** Finds the most specific template (most literal segments) that matches `urlPath`. */
  match(method: string, urlPath: string): RouteMatch {
    const segments = urlPath.split('/').filter(Boolean).map(decodeURIComponent);
    let best: { template: Template; literals: number } | undefined;
    for (const template of this.bySegmentCount.get(segments.length) ?? []) {
      const literals = literalMatches(template.segments, segments);
      if (literals !== undefined && (!best || literals > best.literals)) {
        best = { template, literals };
      }
    }
    if (!best) return { kind: 'unknown-path' };
    const info = best.template.methods.get(method);
    if (!info) return { kind: 'method-not-allowed', template: best.template.path };
    return {
      kind: 'endpoint',
      endpoint: { template: best.template.path, method, info },
      pathParams: pathParams(best.template.segments, segments),
    };
  }
}

/** Number of literal segments matched, or undefined when a literal differs. */
function literalMatches(template: string[], actual: string[]): number | undefined {
  let literals = 0;
  for (let i = 0; i < template.length; i++) {
    if (PARAM_SEGMENT.test(template[i])) {
      if (actual[i] === '') return undefined;
    } else if (template[i] === actual[i]) {
      literals++;
    } else {
      return undefined;
    }
  }
  return literals;
}

function pathParams(template: string[], actual: string[]): Record<string, string> {
  const params: Record<string, string> = {};
  template.forEach((segment, i) => {
    const name = PARAM_SEGMENT.exec(segment)?.[1];
    if (name) params[name] = actual[i];
  });
  return params;
}

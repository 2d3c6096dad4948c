// Label selectors (equality- and set-based, both the query-string syntax and the LabelSelector
// object form) and field selectors, with the real server's parse errors.
import { badRequest } from '../api/errors';

export interface Requirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values: string[];
}

export type Labels = Record<string, string>;

export function matchesRequirements(requirements: Requirement[], labels: Labels): boolean {
  return requirements.every(({ key, operator, values }) => {
    const present = Object.prototype.hasOwnProperty.call(labels, key);
    switch (operator) {
      case 'In':
        return present && values.includes(labels[key]);
      case 'NotIn':
        return !present || !values.includes(labels[key]);
      case 'Exists':
        return present;
      case 'DoesNotExist':
        return !present;
    }
  });
}

const KEY =
  /^([a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?\/)?[a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?$|^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/[a-zA-Z0-9]([-a-zA-Z0-9_.]*[a-zA-Z0-9])?$/;
const VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function checkKey(key: string, selector: string): string {
  if (!KEY.test(key))
    throw badRequest(
      `unable to parse requirement: invalid label key "${key}": in selector "${selector}"`,
    );
  return key;
}

function checkValue(value: string, selector: string): string {
  if (!VALUE.test(value))
    throw badRequest(
      `unable to parse requirement: invalid label value: "${value}": in selector "${selector}"`,
    );
  return value;
}

/** Splits on commas that are not inside a `(...)` value set. */
function splitTerms(selector: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of selector) {
    if (char === '(') depth++;
    if (char === ')') depth--;
    if (char === ',' && depth === 0) {
      terms.push(current);
      current = '';
    } else current += char;
  }
  terms.push(current);
  return terms.map((t) => t.trim()).filter((t) => t.length > 0);
}

const SET_TERM = /^(\S+)\s+(in|notin)\s*\((.*)\)$/;
const EQUALITY_TERM = /^([^!=\s]+)\s*(==|=|!=)\s*(\S*)$/;

export function parseLabelSelector(selector: string | undefined): Requirement[] {
  if (!selector) return [];
  return splitTerms(selector).map((term) => {
    const set = SET_TERM.exec(term);
    if (set) {
      const values = set[3].split(',').map((v) => checkValue(v.trim(), selector));
      return {
        key: checkKey(set[1], selector),
        operator: set[2] === 'in' ? 'In' : 'NotIn',
        values,
      };
    }
    const equality = EQUALITY_TERM.exec(term);
    if (equality) {
      return {
        key: checkKey(equality[1], selector),
        operator: equality[2] === '!=' ? 'NotIn' : 'In',
        values: [checkValue(equality[3], selector)],
      };
    }
    if (term.startsWith('!'))
      return {
        key: checkKey(term.slice(1).trim(), selector),
        operator: 'DoesNotExist',
        values: [],
      };
    if (/^\S+$/.test(term))
      return { key: checkKey(term, selector), operator: 'Exists', values: [] };
    throw badRequest(
      `unable to parse requirement: found '${term}', expected: in, notin, =, ==, !=, gt, lt`,
    );
  });
}

export interface LabelSelector {
  matchLabels?: Labels;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

export function requirementsOf(selector: LabelSelector): Requirement[] {
  return [
    ...Object.entries(selector.matchLabels ?? {}).map(([key, value]) => ({
      key,
      operator: 'In' as const,
      values: [value],
    })),
    ...(selector.matchExpressions ?? []).map((e) => ({
      key: e.key,
      operator: e.operator as Requirement['operator'],
      values: e.values ?? [],
    })),
  ];
}

export function matchesLabelSelector(selector: LabelSelector, labels: Labels): boolean {
  return matchesRequirements(requirementsOf(selector), labels);
}

/** The query-string form of a LabelSelector, as kubectl shows it. */
export function formatLabelSelector(selector: LabelSelector): string {
  return requirementsOf(selector)
    .map(({ key, operator, values }) => {
      if (operator === 'Exists') return key;
      if (operator === 'DoesNotExist') return `!${key}`;
      if (values.length === 1) return `${key}${operator === 'In' ? '=' : '!='}${values[0]}`;
      return `${key} ${operator.toLowerCase()} (${values.join(',')})`;
    })
    .join(',');
}

export interface FieldRequirement {
  field: string;
  value: string;
  equal: boolean;
}

export function parseFieldSelector(
  selector: string | undefined,
  supported: string[],
): FieldRequirement[] {
  if (!selector) return [];
  return splitTerms(selector).map((term) => {
    const match = /^([^!=]+)(==|=|!=)(.*)$/.exec(term);
    if (!match) throw badRequest(`invalid selector: '${selector}'; can't understand '${term}'`);
    const field = match[1].trim();
    if (!supported.includes(field)) throw badRequest(`field label not supported: ${field}`);
    return { field, value: match[3].trim(), equal: match[2] !== '!=' };
  });
}

function fieldValue(object: unknown, path: string): string {
  let value: unknown = object;
  for (const part of path.split('.'))
    value =
      value && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined;
  return value === undefined || value === null ? '' : String(value);
}

export function matchesFields(requirements: FieldRequirement[], object: unknown): boolean {
  return requirements.every(
    ({ field, value, equal }) => (fieldValue(object, field) === value) === equal,
  );
}

/** Field selector support for `kind`: metadata.name/namespace plus the type's own. */
export function supportedFields(namespaced: boolean, extra: string[]): string[] {
  return ['metadata.name', ...(namespaced ? ['metadata.namespace'] : []), ...extra];
}

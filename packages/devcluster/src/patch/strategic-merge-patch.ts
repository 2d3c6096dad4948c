// Strategic merge patch for built-in kinds, as kubectl sends it for `apply` and `patch`: lists
// with a merge key (containers by name, ports by containerPort, ...) merge element-wise, and the
// directives `$patch`, `$retainKeys`, `$deleteFromPrimitiveList/<field>` and
// `$setElementOrder/<field>` are honoured. The merge keys come from the Kubernetes API types.
import { badRequest } from '../api/errors';
import { isPlainObject, type JsonObject } from '../api/types';

/** Field name -> merge key for lists of objects; `''` marks a merged list of primitives. */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  imagePullSecrets: 'name',
  hostAliases: 'ip',
  conditions: 'type',
  ownerReferences: 'uid',
  topologySpreadConstraints: 'topologyKey',
  finalizers: '',
};

/** `ports` merges by containerPort in containers and by port in Services. */
function mergeKeyFor(field: string, items: unknown[]): string | undefined {
  if (field === 'ports') {
    const sample = items.find(isPlainObject);
    return sample && 'containerPort' in sample ? 'containerPort' : 'port';
  }
  return MERGE_KEYS[field];
}

export function strategicMergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return patch;
  if (patch.$patch === 'replace') {
    const { $patch: _, ...rest } = patch;
    return stripDirectives(rest);
  }
  if (patch.$patch === 'delete') return undefined;
  const original: JsonObject = isPlainObject(target) ? { ...target } : {};
  let result = original;
  if (Array.isArray(patch.$retainKeys)) {
    const keep = new Set(patch.$retainKeys as string[]);
    result = Object.fromEntries(Object.entries(original).filter(([key]) => keep.has(key)));
  }
  for (const [key, value] of Object.entries(patch)) {
    if (key === '$patch' || key === '$retainKeys' || key.startsWith('$setElementOrder/')) continue;
    if (key.startsWith('$deleteFromPrimitiveList/')) {
      const field = key.slice('$deleteFromPrimitiveList/'.length);
      const remove = new Set(value as unknown[]);
      if (Array.isArray(result[field]))
        result[field] = (result[field] as unknown[]).filter((item) => !remove.has(item));
      continue;
    }
    if (value === null) {
      delete result[key];
      continue;
    }
    const merged = Array.isArray(value)
      ? mergeList(key, result[key], value)
      : strategicMergePatch(result[key], value);
    if (merged === undefined) delete result[key];
    else result[key] = merged;
  }
  for (const [key, order] of Object.entries(patch)) {
    if (key.startsWith('$setElementOrder/') && Array.isArray(order)) {
      const field = key.slice('$setElementOrder/'.length);
      if (Array.isArray(result[field]))
        result[field] = applyOrder(field, result[field] as unknown[], order);
    }
  }
  return result;
}

function mergeList(field: string, current: unknown, patch: unknown[]): unknown[] {
  const mergeKey = mergeKeyFor(field, patch);
  if (mergeKey === undefined) {
    if (patch.some((item) => isPlainObject(item) && item.$patch === 'replace'))
      return patch.filter((i) => !(isPlainObject(i) && i.$patch)).map(stripDirectives);
    return patch.map(stripDirectives);
  }
  const original = Array.isArray(current) ? current : [];
  const existing = [...original];
  if (mergeKey === '') {
    for (const item of patch) if (!existing.includes(item)) existing.push(item);
    return inServerOrder(existing, original, patch, (item) => item);
  }
  for (const item of patch) {
    if (!isPlainObject(item))
      throw badRequest(`unable to find merge key "${mergeKey}" in list of ${field}`);
    if (item.$patch === 'replace')
      return patch.filter((i) => !(isPlainObject(i) && i.$patch)).map(stripDirectives);
    const index = existing.findIndex((e) => isPlainObject(e) && e[mergeKey] === item[mergeKey]);
    if (item.$patch === 'delete') {
      if (index >= 0) existing.splice(index, 1);
    } else if (index >= 0) existing[index] = strategicMergePatch(existing[index], item);
    else existing.push(stripDirectives(item));
  }
  const keyOf = (item: unknown) => (isPlainObject(item) ? item[mergeKey] : undefined);
  return inServerOrder(existing, original, patch, keyOf);
}

/**
 * The order the real server gives a merged list: the patch's items in patch order and the
 * items only the server had in their old order, interleaved; where the old order does not
 * relate two items (one is new), the patch's item goes first.
 */
function inServerOrder(
  merged: unknown[],
  original: unknown[],
  patch: unknown[],
  keyOf: (item: unknown) => unknown,
): unknown[] {
  const patchKeys = patch.filter((p) => !(isPlainObject(p) && p.$patch === 'delete')).map(keyOf);
  const serverKeys = original.map(keyOf);
  const fromPatch = merged
    .filter((item) => patchKeys.includes(keyOf(item)))
    .sort((a, b) => patchKeys.indexOf(keyOf(a)) - patchKeys.indexOf(keyOf(b)));
  const serverOnly = merged.filter((item) => !patchKeys.includes(keyOf(item)));
  const result: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < serverOnly.length || j < fromPatch.length) {
    if (j >= fromPatch.length) result.push(serverOnly[i++]);
    else if (i >= serverOnly.length) result.push(fromPatch[j++]);
    else {
      const left = serverKeys.indexOf(keyOf(serverOnly[i]));
      const right = serverKeys.indexOf(keyOf(fromPatch[j]));
      if (left >= 0 && right >= 0 && left < right) result.push(serverOnly[i++]);
      else result.push(fromPatch[j++]);
    }
  }
  return result;
}

/** Orders a merged list as `$setElementOrder` says; items it does not mention keep their place after. */
function applyOrder(field: string, items: unknown[], order: unknown[]): unknown[] {
  const mergeKey = mergeKeyFor(field, items);
  if (!mergeKey) return items;
  const keyOf = (item: unknown) => (isPlainObject(item) ? item[mergeKey] : undefined);
  const wanted = order.map((o) => (isPlainObject(o) ? o[mergeKey] : o));
  const ranked = items.map((item, i) => ({ item, rank: wanted.indexOf(keyOf(item)), i }));
  return ranked
    .sort((a, b) => (a.rank < 0 ? 1e9 + a.i : a.rank) - (b.rank < 0 ? 1e9 + b.i : b.rank))
    .map((r) => r.item);
}

function stripDirectives(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripDirectives);
  if (!isPlainObject(value)) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => !key.startsWith('$'))
      .map(([key, v]) => [key, stripDirectives(v)]),
  );
}

// The four PATCH content types of the Kubernetes API.
import {
  applyPatch as applyJsonPatchOperations,
  JsonPatchError,
  type Operation,
} from 'fast-json-patch';
import { parse as parseYaml } from 'yaml';
import { ApiError, badRequest } from '../api/errors';
import type { ResourceType } from '../api/resource-type';
import { mergePatch } from './merge-patch';
import { strategicMergePatch } from './strategic-merge-patch';

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

export const PATCH_CONTENT_TYPES: Record<string, PatchType> = {
  'application/json-patch+json': 'json',
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
  'application/apply-patch+yaml': 'apply',
  'application/apply-patch+cbor': 'apply',
};

export function applyPatch(
  type: ResourceType,
  patchType: PatchType,
  current: unknown,
  patch: unknown,
): unknown {
  switch (patchType) {
    case 'merge':
      return mergePatch(current, patch);
    case 'strategic':
      if (!type.strategicMerge) {
        throw new ApiError(
          415,
          'UnsupportedMediaType',
          `strategic merge patch is not supported for ${type.resource}.${type.group}; use application/merge-patch+json or application/json-patch+json`,
        );
      }
      return strategicMergePatch(current, patch);
    case 'apply':
      // Server-side apply without managed fields: the applied configuration is merged in, with
      // built-ins' lists merged by their keys.
      return type.strategicMerge ? strategicMergePatch(current, patch) : mergePatch(current, patch);
    case 'json':
      return applyJsonPatch(current, patch);
  }
}

function applyJsonPatch(current: unknown, patch: unknown): unknown {
  if (!Array.isArray(patch))
    throw badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  try {
    return applyJsonPatchOperations(current, patch as Operation[], true, false).newDocument;
  } catch (error) {
    const message =
      error instanceof JsonPatchError
        ? `${error.name}: ${error.message.split('\n')[0]}`
        : String(error);
    throw new ApiError(
      422,
      'Invalid',
      `the server rejected our request due to an error in our request: ${message}`,
    );
  }
}

/** Parses an apply-patch body (YAML or JSON). */
export function parseApplyBody(text: string): unknown {
  try {
    return parseYaml(text);
  } catch (error) {
    throw badRequest(`error decoding YAML: ${(error as Error).message}`);
  }
}

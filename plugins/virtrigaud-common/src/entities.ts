// How catalog entities point back at the objects they describe. The catalog module writes these
// annotations; the frontend reads them to call the API for an entity.
import type { ObjectRef } from './types';

export const ANNOTATION_CLUSTER = 'virtrigaud.io/cluster';
export const ANNOTATION_NAMESPACE = 'virtrigaud.io/namespace';
export const ANNOTATION_NAME = 'virtrigaud.io/name';
/** `VirtualMachine` or `Provider`. */
export const ANNOTATION_KIND = 'virtrigaud.io/kind';

export const ENTITY_TYPE_VM = 'virtual-machine';
export const ENTITY_TYPE_PROVIDER = 'hypervisor-provider';

export type VirtrigaudObjectKind = 'VirtualMachine' | 'Provider';

/** Reads the object an entity describes from its annotations; undefined for other entities. */
export function objectRefFromAnnotations(
  annotations: Record<string, string> | undefined,
): (ObjectRef & { kind: VirtrigaudObjectKind }) | undefined {
  const kind = annotations?.[ANNOTATION_KIND];
  const cluster = annotations?.[ANNOTATION_CLUSTER];
  const namespace = annotations?.[ANNOTATION_NAMESPACE];
  const name = annotations?.[ANNOTATION_NAME];
  if ((kind !== 'VirtualMachine' && kind !== 'Provider') || !cluster || !namespace || !name) {
    return undefined;
  }
  return { kind, cluster, namespace, name };
}

/**
 * Catalog entity name of an object: `<cluster>.<namespace>.<name>` (Kubernetes names never hold
 * upper case, and namespaces no dots, so distinct objects get distinct names). Deterministic, so
 * the scaffolder can output the entity ref before the catalog has seen the object. Names longer
 * than the catalog's 63 characters keep a prefix plus a hash of the whole.
 */
export function entityNameFor(ref: ObjectRef): string {
  const full = `${ref.cluster}.${ref.namespace}.${ref.name}`;
  if (full.length <= 63) return full;
  return `${full.slice(0, 54).replace(/[-_.]+$/, '')}-${fnv1a(full)}`;
}

/** 32-bit FNV-1a as 8 hex digits: a stable, dependency-free hash that also runs in browsers. */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}

// Between catalog entities and the objects they describe. The catalog module
// (plugins/catalog-backend-module-virtrigaud) names each entity with entityNameFor() in the
// catalog's default namespace and annotates it with the object's cluster/namespace/name.
import { type Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  entityNameFor,
  objectRefFromAnnotations,
  type ObjectRef,
} from '@virtrigaud/plugin-virtrigaud-common';

export const CATALOG_NAMESPACE = 'default';

/** The object an entity describes, when it is a VirtRigaud entity of the expected kind. */
export function objectRefOf(
  entity: Entity,
  kind: 'VirtualMachine' | 'Provider',
): ObjectRef | undefined {
  const ref = objectRefFromAnnotations(entity.metadata.annotations);
  if (!ref || ref.kind !== kind) return undefined;
  return { cluster: ref.cluster, namespace: ref.namespace, name: ref.name };
}

/** Kind, namespace and name of the catalog entity of a VM or Provider object. */
export function entityNameParts(ref: ObjectRef): { kind: string; namespace: string; name: string } {
  return { kind: 'resource', namespace: CATALOG_NAMESPACE, name: entityNameFor(ref) };
}

/** The catalog entity ref of a VM or Provider object, e.g. `resource:default/dev.team-a.vm-1`. */
export function entityRefOf(ref: ObjectRef): string {
  return stringifyEntityRef(entityNameParts(ref));
}

export function sameObject(a: ObjectRef, b: ObjectRef): boolean {
  return a.cluster === b.cluster && a.namespace === b.namespace && a.name === b.name;
}

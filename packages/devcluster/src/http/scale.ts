// The `scale` subresource (autoscaling/v1 Scale) of Deployments, ReplicaSets and CRDs that declare it.
import { badRequest } from '../api/errors';
import type { Objects, WriteOptions } from '../api/objects';
import type { ResourceType, ScaleSubresource } from '../api/resource-type';
import { isPlainObject, type StoredObject } from '../api/types';
import { formatLabelSelector, type LabelSelector } from '../store/selectors';
import { clone } from '../util/deep-equal';
import { evaluateJsonPath } from '../util/jsonpath';

function fieldsOf(path: string): string[] {
  return path.replace(/^\./, '').split('.');
}

export function toScale(object: StoredObject, scale: ScaleSubresource) {
  const selector = scale.labelSelectorPath
    ? evaluateJsonPath(object, scale.labelSelectorPath)[0]
    : undefined;
  const m = object.metadata;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: m.name,
      namespace: m.namespace,
      uid: m.uid,
      resourceVersion: m.resourceVersion,
      creationTimestamp: m.creationTimestamp,
    },
    spec: { replicas: Number(evaluateJsonPath(object, scale.specReplicasPath)[0] ?? 0) },
    status: {
      replicas: Number(evaluateJsonPath(object, scale.statusReplicasPath)[0] ?? 0),
      ...(typeof selector === 'string'
        ? { selector }
        : isPlainObject(selector)
          ? { selector: formatLabelSelector(selector as LabelSelector) }
          : {}),
    },
  };
}

/** Writes `scale.spec.replicas` into the object, guarded by the Scale's resourceVersion. */
export function updateFromScale(
  objects: Objects,
  type: ResourceType,
  namespace: string | undefined,
  name: string,
  scale: unknown,
  options: WriteOptions,
): StoredObject {
  if (!isPlainObject(scale) || !isPlainObject(scale.spec) || !Number.isInteger(scale.spec.replicas))
    throw badRequest('Scale.spec.replicas must be an integer');
  const current = objects.get(type, namespace, name);
  const next = clone(current) as Record<string, unknown>;
  const fields = fieldsOf(type.scale!.specReplicasPath);
  let target = next;
  for (const field of fields.slice(0, -1))
    target = (target[field] ??= {}) as Record<string, unknown>;
  target[fields[fields.length - 1]] = scale.spec.replicas;
  const expected = isPlainObject(scale.metadata) ? scale.metadata.resourceVersion : undefined;
  (next.metadata as Record<string, unknown>).resourceVersion =
    expected || current.metadata.resourceVersion;
  return objects.update(type, namespace, name, next, options);
}

// The `binding` subresource of pods: `POST pods/<name>/binding` with a v1 Binding is how a
// scheduler (here: a node agent standing in for one) assigns a pod to a node. As on a real API
// server it sets spec.nodeName once and only once; the pod's spec is otherwise immutable.
import { conflict, invalid, successStatus } from '../api/errors';
import type { Objects, WriteOptions } from '../api/objects';
import type { ResourceType } from '../api/resource-type';
import { isPlainObject, type StoredObject } from '../api/types';

const BINDING = { resource: 'pods/binding', group: '' };

export function bindPod(
  objects: Objects,
  pods: ResourceType,
  namespace: string | undefined,
  name: string,
  binding: unknown,
  options: WriteOptions,
) {
  const target = isPlainObject(binding) ? binding.target : undefined;
  const node = isPlainObject(target) ? target.name : undefined;
  if (typeof node !== 'string' || !node)
    throw invalid('Binding', '', name, [
      { reason: 'FieldValueRequired', message: 'Required value', field: 'target.name' },
    ]);
  const pod = objects.get(pods, namespace, name) as StoredObject & { spec?: { nodeName?: string } };
  const metadata =
    isPlainObject(binding) && isPlainObject(binding.metadata) ? binding.metadata : {};
  if (metadata.uid !== undefined && metadata.uid !== pod.metadata.uid)
    throw conflict(
      BINDING,
      name,
      `Precondition failed: UID in precondition: ${String(metadata.uid)}, UID in object meta: ${pod.metadata.uid}`,
    );
  if (pod.metadata.deletionTimestamp)
    throw conflict(BINDING, name, `pod ${name} is being deleted, cannot be assigned to a host`);
  if (pod.spec?.nodeName)
    throw conflict(BINDING, name, `pod ${name} is already assigned to node "${pod.spec.nodeName}"`);
  objects.update(pods, namespace, name, { ...pod, spec: { ...pod.spec, nodeName: node } }, options);
  return { ...successStatus({}), code: 201 };
}

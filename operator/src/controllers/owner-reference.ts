// The ownerReference a controller puts on the objects it makes, so that Kubernetes garbage-collects
// them with their owner and knows which controller manages them.
import type { ObjectMeta } from '@virtrigaud/api';

export function controllerReference(
  owner: { apiVersion: string; metadata: ObjectMeta },
  kind: string,
): NonNullable<ObjectMeta['ownerReferences']>[number] {
  return {
    apiVersion: owner.apiVersion,
    kind,
    name: owner.metadata.name!,
    uid: owner.metadata.uid!,
    controller: true,
    blockOwnerDeletion: true,
  };
}

// The REST resources of this API group's kinds, in the shape the Kubernetes client
// (@virtrigaud/kube) takes; plurals come from the kind definitions, as in the CRDs.
import type { ResourceType } from '@virtrigaud/kube';
import { GROUP, KINDS, VERSION } from './kinds';

function resource(kind: string): ResourceType {
  const definition = KINDS.find((candidate) => candidate.kind === kind);
  if (!definition) throw new Error(`${kind} is not a kind of ${GROUP}`);
  return { group: GROUP, version: VERSION, plural: definition.plural, kind, namespaced: true };
}

export const Resources = {
  Provider: resource('Provider'),
  VirtualMachine: resource('VirtualMachine'),
  VMClass: resource('VMClass'),
  VMImage: resource('VMImage'),
  VMNetworkAttachment: resource('VMNetworkAttachment'),
  VMSnapshot: resource('VMSnapshot'),
  VMClone: resource('VMClone'),
  VMSet: resource('VMSet'),
} as const satisfies Record<string, ResourceType>;

// A VirtualMachine or Provider as a catalog `Resource` entity. Names and annotations come from
// @virtrigaud/plugin-virtrigaud-common, so the frontend and the scaffolder compute the same refs.
import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import type { Provider, VirtualMachine } from '@virtrigaud/api';
import { ownerOf } from '@virtrigaud/plugin-virtrigaud-backend';
import {
  ANNOTATION_CLUSTER,
  ANNOTATION_KIND,
  ANNOTATION_NAME,
  ANNOTATION_NAMESPACE,
  ENTITY_TYPE_PROVIDER,
  ENTITY_TYPE_VM,
  entityNameFor,
  type ObjectRef,
} from '@virtrigaud/plugin-virtrigaud-common';

export const SYSTEM_KEY = 'backstage.io/system';
const CATALOG_NAMESPACE = 'default';

export interface EntityDefaults {
  owner: string;
  system?: string;
}

function podSelector(providerName: string): string {
  return `app.kubernetes.io/name=virtrigaud-provider,app.kubernetes.io/instance=${providerName}`;
}

export function locationOf(cluster: string): string {
  return `virtrigaud:${cluster}`;
}

function base(
  kind: 'VirtualMachine' | 'Provider',
  cluster: string,
  object: VirtualMachine | Provider,
  defaults: EntityDefaults,
) {
  const ref: ObjectRef = {
    cluster,
    namespace: object.metadata.namespace!,
    name: object.metadata.name!,
  };
  const meta = object.metadata;
  const system = meta.annotations?.[SYSTEM_KEY] ?? meta.labels?.[SYSTEM_KEY] ?? defaults.system;
  return {
    ref,
    metadata: {
      name: entityNameFor(ref),
      namespace: CATALOG_NAMESPACE,
      title: ref.name,
      annotations: {
        'backstage.io/managed-by-location': locationOf(cluster),
        'backstage.io/managed-by-origin-location': locationOf(cluster),
        [ANNOTATION_KIND]: kind,
        [ANNOTATION_CLUSTER]: cluster,
        [ANNOTATION_NAMESPACE]: ref.namespace,
        [ANNOTATION_NAME]: ref.name,
        'backstage.io/kubernetes-id': entityNameFor(ref),
        'backstage.io/kubernetes-namespace': ref.namespace,
      },
    },
    spec: { owner: ownerOf(meta) ?? defaults.owner, ...(system ? { system } : {}) },
  };
}

export function vmEntity(cluster: string, vm: VirtualMachine, defaults: EntityDefaults): Entity {
  const { ref, metadata, spec } = base('VirtualMachine', cluster, vm, defaults);
  const provider = vm.spec.providerRef.name;
  const providerEntity = {
    kind: 'resource',
    namespace: CATALOG_NAMESPACE,
    name: entityNameFor({ ...ref, name: provider }),
  };
  const console = vm.status?.consoleURL;
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      ...metadata,
      description: `Virtual machine ${ref.namespace}/${ref.name} on Provider ${provider} (cluster ${cluster})`,
      annotations: {
        ...metadata.annotations,
        // The provider pods that host this VM.
        'backstage.io/kubernetes-label-selector': podSelector(provider),
      },
      labels: { 'virtrigaud.io/phase': (vm.status?.phase ?? 'Pending').toLowerCase() },
      links: console ? [{ url: console, title: 'Console', icon: 'dashboard' }] : [],
    },
    spec: {
      type: ENTITY_TYPE_VM,
      ...spec,
      dependsOn: [stringifyEntityRef(providerEntity)],
    },
  };
}

export function providerEntity(
  cluster: string,
  provider: Provider,
  defaults: EntityDefaults,
): Entity {
  const { ref, metadata, spec } = base('Provider', cluster, provider, defaults);
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      ...metadata,
      description: `${provider.spec.type} hypervisor Provider ${ref.namespace}/${ref.name} (cluster ${cluster})`,
      annotations: {
        ...metadata.annotations,
        'backstage.io/kubernetes-label-selector': podSelector(ref.name),
      },
      tags: [provider.spec.type],
    },
    spec: { type: ENTITY_TYPE_PROVIDER, ...spec },
  };
}

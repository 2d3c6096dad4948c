// The built-in resources the devcluster serves: the ones VirtRigaud, its operator and kubectl use.
import { printers } from './printers';
import { storageKeyOf, type ResourceType } from './resource-type';
import { eventsV1Conversion, eventsV1Strategy } from './kinds/event';
import { namespaceStrategy } from './kinds/namespace';
import { configMapStrategy, secretStrategy } from './kinds/secret';
import { serviceStrategy } from './kinds/service';
import { deploymentStrategy, podStrategy, replicaSetStrategy } from './kinds/workloads';

type BuiltinSpec = Pick<ResourceType, 'group' | 'version' | 'resource' | 'kind'> &
  Partial<ResourceType>;

function builtin(spec: BuiltinSpec): ResourceType {
  const storageKey = spec.storageKey ?? storageKeyOf(spec.group, spec.resource);
  return {
    singular: spec.kind.toLowerCase(),
    listKind: `${spec.kind}List`,
    namespaced: true,
    shortNames: [],
    categories: [],
    storageVersion: spec.version,
    statusSubresource: false,
    generation: false,
    strategicMerge: true,
    fieldSelectors: [],
    printer: printers[storageKey],
    ...spec,
    storageKey,
  };
}

/** The scale subresource of the workloads whose pods come from `spec.replicas`. */
const REPLICAS_SCALE: ResourceType['scale'] = {
  specReplicasPath: '.spec.replicas',
  statusReplicasPath: '.status.replicas',
  labelSelectorPath: '.spec.selector',
};

const EVENT_FIELDS = [
  'involvedObject.kind',
  'involvedObject.namespace',
  'involvedObject.name',
  'involvedObject.uid',
  'involvedObject.apiVersion',
  'involvedObject.resourceVersion',
  'involvedObject.fieldPath',
  'reason',
  'reportingComponent',
  'source',
  'type',
];

export function builtinTypes(): ResourceType[] {
  return [
    builtin({
      group: '',
      version: 'v1',
      resource: 'namespaces',
      kind: 'Namespace',
      namespaced: false,
      shortNames: ['ns'],
      statusSubresource: true,
      fieldSelectors: ['status.phase'],
      strategy: namespaceStrategy,
    }),
    builtin({
      group: '',
      version: 'v1',
      resource: 'secrets',
      kind: 'Secret',
      fieldSelectors: ['type'],
      strategy: secretStrategy,
    }),
    builtin({
      group: '',
      version: 'v1',
      resource: 'configmaps',
      kind: 'ConfigMap',
      shortNames: ['cm'],
      strategy: configMapStrategy,
    }),
    builtin({
      group: '',
      version: 'v1',
      resource: 'services',
      kind: 'Service',
      shortNames: ['svc'],
      categories: ['all'],
      statusSubresource: true,
      strategy: serviceStrategy,
    }),
    builtin({
      group: '',
      version: 'v1',
      resource: 'serviceaccounts',
      kind: 'ServiceAccount',
      shortNames: ['sa'],
    }),
    builtin({
      group: '',
      version: 'v1',
      resource: 'pods',
      kind: 'Pod',
      shortNames: ['po'],
      categories: ['all'],
      statusSubresource: true,
      fieldSelectors: [
        'spec.nodeName',
        'spec.restartPolicy',
        'spec.schedulerName',
        'spec.serviceAccountName',
        'status.phase',
        'status.podIP',
      ],
      strategy: podStrategy,
    }),
    builtin({
      group: '',
      version: 'v1',
      resource: 'endpoints',
      kind: 'Endpoints',
      shortNames: ['ep'],
      singular: 'endpoints',
    }),
    builtin({
      group: '',
      version: 'v1',
      resource: 'events',
      kind: 'Event',
      shortNames: ['ev'],
      fieldSelectors: EVENT_FIELDS,
    }),
    builtin({
      group: '',
      version: 'v1',
      resource: 'nodes',
      kind: 'Node',
      namespaced: false,
      shortNames: ['no'],
      statusSubresource: true,
    }),
    builtin({
      group: 'apps',
      version: 'v1',
      resource: 'deployments',
      kind: 'Deployment',
      shortNames: ['deploy'],
      categories: ['all'],
      statusSubresource: true,
      generation: true,
      scale: REPLICAS_SCALE,
      strategy: deploymentStrategy,
    }),
    builtin({
      group: 'apps',
      version: 'v1',
      resource: 'replicasets',
      kind: 'ReplicaSet',
      shortNames: ['rs'],
      categories: ['all'],
      statusSubresource: true,
      generation: true,
      scale: REPLICAS_SCALE,
      strategy: replicaSetStrategy,
    }),
    builtin({
      group: 'coordination.k8s.io',
      version: 'v1',
      resource: 'leases',
      kind: 'Lease',
      strategicMerge: true,
    }),
    builtin({
      group: 'events.k8s.io',
      version: 'v1',
      resource: 'events',
      kind: 'Event',
      shortNames: ['ev'],
      storageKey: storageKeyOf('', 'events'),
      fieldSelectors: EVENT_FIELDS.map((f) => f.replace('involvedObject', 'regarding')),
      conversion: eventsV1Conversion,
      strategy: eventsV1Strategy,
      printer: printers['/events'],
    }),
    builtin({
      group: 'discovery.k8s.io',
      version: 'v1',
      resource: 'endpointslices',
      kind: 'EndpointSlice',
      fieldSelectors: ['addressType'],
    }),
    builtin({
      group: 'networking.k8s.io',
      version: 'v1',
      resource: 'networkpolicies',
      kind: 'NetworkPolicy',
      shortNames: ['netpol'],
      generation: true,
    }),
    builtin({ group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'roles', kind: 'Role' }),
    builtin({
      group: 'rbac.authorization.k8s.io',
      version: 'v1',
      resource: 'rolebindings',
      kind: 'RoleBinding',
    }),
    builtin({
      group: 'rbac.authorization.k8s.io',
      version: 'v1',
      resource: 'clusterroles',
      kind: 'ClusterRole',
      namespaced: false,
    }),
    builtin({
      group: 'rbac.authorization.k8s.io',
      version: 'v1',
      resource: 'clusterrolebindings',
      kind: 'ClusterRoleBinding',
      namespaced: false,
    }),
    // Stored, not enforced (like RBAC): the install ships a policy, and a real server enforces it.
    builtin({
      group: 'admissionregistration.k8s.io',
      version: 'v1beta1',
      resource: 'validatingadmissionpolicies',
      kind: 'ValidatingAdmissionPolicy',
      namespaced: false,
      generation: true,
    }),
    builtin({
      group: 'admissionregistration.k8s.io',
      version: 'v1beta1',
      resource: 'validatingadmissionpolicybindings',
      kind: 'ValidatingAdmissionPolicyBinding',
      namespaced: false,
      generation: true,
    }),
  ];
}

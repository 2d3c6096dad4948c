// Permission rules for the `virtrigaud-vm` resource type, so a policy can answer CONDITIONAL
// ("only VMs in these namespaces / owned by the user") instead of a flat yes or no. The backend
// applies conditions in memory against the cached VM summaries.
import {
  createConditionExports,
  createPermissionResourceRef,
  createPermissionRule,
} from '@backstage/plugin-permission-node';
import {
  VIRTRIGAUD_PLUGIN_ID,
  VIRTRIGAUD_VM_RESOURCE_TYPE,
  type VmSummary,
} from '@virtrigaud/plugin-virtrigaud-common';
import { z } from 'zod';

/** Conditions as data: which field of the VM must be one of the values. */
export interface VmFilter {
  key: 'namespace' | 'owner' | 'cluster';
  values: string[];
}

export const vmResourceRef = createPermissionResourceRef<VmSummary, VmFilter>().with({
  pluginId: VIRTRIGAUD_PLUGIN_ID,
  resourceType: VIRTRIGAUD_VM_RESOURCE_TYPE,
});

const isInNamespace = createPermissionRule({
  name: 'IS_IN_NAMESPACE',
  description: 'Allow VMs in one of the given namespaces',
  resourceRef: vmResourceRef,
  paramsSchema: z.object({ namespaces: z.array(z.string()).describe('Namespaces to allow') }),
  apply: (vm, { namespaces }) => namespaces.includes(vm.namespace),
  toQuery: ({ namespaces }) => ({ key: 'namespace', values: namespaces }),
});

const isOwner = createPermissionRule({
  name: 'IS_OWNER',
  description: 'Allow VMs owned by one of the given entity refs (e.g. the user and their groups)',
  resourceRef: vmResourceRef,
  paramsSchema: z.object({ claims: z.array(z.string()).describe('Owner entity refs') }),
  apply: (vm, { claims }) => vm.owner !== undefined && claims.includes(vm.owner),
  toQuery: ({ claims }) => ({ key: 'owner', values: claims }),
});

const isOnCluster = createPermissionRule({
  name: 'IS_ON_CLUSTER',
  description: 'Allow VMs on one of the given clusters',
  resourceRef: vmResourceRef,
  paramsSchema: z.object({ clusters: z.array(z.string()).describe('Cluster names') }),
  apply: (vm, { clusters }) => clusters.includes(vm.cluster),
  toQuery: ({ clusters }) => ({ key: 'cluster', values: clusters }),
});

export const vmPermissionRules = { isInNamespace, isOwner, isOnCluster };

/** For permission policies: `vmConditions.isOwner({ claims })` etc. */
export const { conditions: vmConditions, createConditionalDecision: createVmConditionalDecision } =
  createConditionExports({ resourceRef: vmResourceRef, rules: vmPermissionRules });

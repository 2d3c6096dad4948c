// TypeScript types of every kind, derived from the same schemas as the CRDs.
import type { Static } from '@sinclair/typebox';
import type { ObjectMeta } from '@virtrigaud/kube';
import type {
  ProviderSpec as ProviderSpecSchema,
  ProviderStatus as ProviderStatusSchema,
} from './schema/provider';
import type {
  VirtualMachineSpec as VMSpecSchema,
  VirtualMachineStatus as VMStatusSchema,
} from './schema/virtual-machine';
import type {
  VMClassSpec as VMClassSpecSchema,
  VMClassStatus as VMClassStatusSchema,
} from './schema/vm-class';
import type {
  VMImageSpec as VMImageSpecSchema,
  VMImageStatus as VMImageStatusSchema,
} from './schema/vm-image';
import type {
  VMNetworkAttachmentSpec as NetSpecSchema,
  VMNetworkAttachmentStatus as NetStatusSchema,
} from './schema/vm-network-attachment';
import type {
  VMSnapshotSpec as SnapSpecSchema,
  VMSnapshotStatus as SnapStatusSchema,
} from './schema/vm-snapshot';
import type {
  VMCloneSpec as CloneSpecSchema,
  VMCloneStatus as CloneStatusSchema,
} from './schema/vm-clone';
import type { VMSetSpec as SetSpecSchema, VMSetStatus as SetStatusSchema } from './schema/vm-set';
import type {
  VMPlacementPolicySpec as PolicySpecSchema,
  VMPlacementPolicyStatus as PolicyStatusSchema,
} from './schema/vm-placement-policy';
import type { Condition as ConditionSchema } from './schema/common';

// Kubernetes' own object metadata is defined with the Kubernetes client (@virtrigaud/kube).
export type { ObjectMeta };

/** A custom resource of this API group. */
export interface Resource<Kind extends string, Spec, Status> {
  apiVersion: 'infra.virtrigaud.io/v1beta1';
  kind: Kind;
  metadata: ObjectMeta;
  spec: Spec;
  status?: Status;
}

export type Condition = Static<typeof ConditionSchema>;
export type ProviderSpec = Static<typeof ProviderSpecSchema>;
export type ProviderStatus = Static<typeof ProviderStatusSchema>;
export type Provider = Resource<'Provider', ProviderSpec, ProviderStatus>;
export type ProviderType = ProviderSpec['type'];
export type VirtualMachineSpec = Static<typeof VMSpecSchema>;
export type VirtualMachineStatus = Static<typeof VMStatusSchema>;
export type VirtualMachine = Resource<'VirtualMachine', VirtualMachineSpec, VirtualMachineStatus>;
export type VMClassSpec = Static<typeof VMClassSpecSchema>;
export type VMClass = Resource<'VMClass', VMClassSpec, Static<typeof VMClassStatusSchema>>;
export type VMImageSpec = Static<typeof VMImageSpecSchema>;
export type VMImage = Resource<'VMImage', VMImageSpec, Static<typeof VMImageStatusSchema>>;
export type VMNetworkAttachmentSpec = Static<typeof NetSpecSchema>;
export type VMNetworkAttachment = Resource<
  'VMNetworkAttachment',
  VMNetworkAttachmentSpec,
  Static<typeof NetStatusSchema>
>;
export type VMSnapshotSpec = Static<typeof SnapSpecSchema>;
export type VMSnapshot = Resource<'VMSnapshot', VMSnapshotSpec, Static<typeof SnapStatusSchema>>;
export type VMCloneSpec = Static<typeof CloneSpecSchema>;
export type VMClone = Resource<'VMClone', VMCloneSpec, Static<typeof CloneStatusSchema>>;
export type VMSetSpec = Static<typeof SetSpecSchema>;
export type VMSet = Resource<'VMSet', VMSetSpec, Static<typeof SetStatusSchema>>;
export type VMPlacementPolicySpec = Static<typeof PolicySpecSchema>;
export type VMPlacementPolicy = Resource<
  'VMPlacementPolicy',
  VMPlacementPolicySpec,
  Static<typeof PolicyStatusSchema>
>;

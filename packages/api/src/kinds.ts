// The nine kinds of infra.virtrigaud.io/v1beta1: schema, names and kubectl columns of each.
// This table is the single source from which the CRD manifests are generated.
import type { TSchema } from '@sinclair/typebox';
import { ProviderSpec, ProviderStatus } from './schema/provider';
import { VirtualMachineSpec, VirtualMachineStatus } from './schema/virtual-machine';
import { VMClassSpec, VMClassStatus } from './schema/vm-class';
import { VMImageSpec, VMImageStatus } from './schema/vm-image';
import { VMNetworkAttachmentSpec, VMNetworkAttachmentStatus } from './schema/vm-network-attachment';
import { VMSnapshotSpec, VMSnapshotStatus } from './schema/vm-snapshot';
import { VMCloneSpec, VMCloneStatus } from './schema/vm-clone';
import { VMSetSpec, VMSetStatus } from './schema/vm-set';
import { VMPlacementPolicySpec, VMPlacementPolicyStatus } from './schema/vm-placement-policy';

export const GROUP = 'infra.virtrigaud.io';
export const VERSION = 'v1beta1';
export const API_VERSION = `${GROUP}/${VERSION}`;

export interface PrinterColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  jsonPath: string;
  description?: string;
  priority?: number;
}

export interface KindDefinition {
  kind: string;
  plural: string;
  singular: string;
  shortNames: string[];
  spec: TSchema;
  status: TSchema;
  printerColumns: PrinterColumn[];
  /** The scale subresource, for kinds with replicas (kubectl scale). */
  scale?: { specReplicasPath: string; statusReplicasPath: string };
}

const ready: PrinterColumn = {
  name: 'Ready',
  type: 'string',
  jsonPath: '.status.conditions[?(@.type=="Ready")].status',
};
const age: PrinterColumn = { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' };
const phase: PrinterColumn = { name: 'Phase', type: 'string', jsonPath: '.status.phase' };

function kind(
  name: string,
  plural: string,
  shortNames: string[],
  spec: TSchema,
  status: TSchema,
  printerColumns: PrinterColumn[],
  scale?: KindDefinition['scale'],
): KindDefinition {
  return {
    kind: name,
    plural,
    singular: name.toLowerCase(),
    shortNames,
    spec,
    status,
    printerColumns,
    scale,
  };
}

export const KINDS: readonly KindDefinition[] = [
  kind(
    'VirtualMachine',
    'virtualmachines',
    ['vm', 'vms'],
    VirtualMachineSpec,
    VirtualMachineStatus,
    [
      phase,
      { name: 'Provider', type: 'string', jsonPath: '.spec.providerRef.name' },
      { name: 'Class', type: 'string', jsonPath: '.spec.classRef.name' },
      { name: 'Image', type: 'string', jsonPath: '.spec.imageRef.name' },
      { name: 'IPs', type: 'string', jsonPath: '.status.ips' },
      { name: 'Power', type: 'string', jsonPath: '.status.powerState', priority: 1 },
      { name: 'ID', type: 'string', jsonPath: '.status.id', priority: 1 },
      age,
    ],
  ),
  kind('Provider', 'providers', ['vprov'], ProviderSpec, ProviderStatus, [
    { name: 'Type', type: 'string', jsonPath: '.spec.type' },
    { name: 'Endpoint', type: 'string', jsonPath: '.spec.endpoint' },
    ready,
    { name: 'Replicas', type: 'integer', jsonPath: '.status.readyReplicas', priority: 1 },
    age,
  ]),
  kind('VMClass', 'vmclasses', ['vmclass', 'vmc'], VMClassSpec, VMClassStatus, [
    { name: 'CPU', type: 'integer', jsonPath: '.spec.cpu' },
    { name: 'Memory', type: 'string', jsonPath: '.spec.memory' },
    { name: 'Firmware', type: 'string', jsonPath: '.spec.firmware' },
    age,
  ]),
  kind('VMImage', 'vmimages', ['vmimage', 'vmi'], VMImageSpec, VMImageStatus, [
    phase,
    { name: 'OS', type: 'string', jsonPath: '.spec.osType' },
    age,
  ]),
  kind(
    'VMNetworkAttachment',
    'vmnetworkattachments',
    ['vmnet', 'vmna'],
    VMNetworkAttachmentSpec,
    VMNetworkAttachmentStatus,
    [{ name: 'IPAM', type: 'string', jsonPath: '.spec.ipAllocation.type' }, ready, age],
  ),
  kind('VMSnapshot', 'vmsnapshots', ['vmsnap', 'vmsnapshot'], VMSnapshotSpec, VMSnapshotStatus, [
    { name: 'VM', type: 'string', jsonPath: '.spec.vmRef.name' },
    phase,
    { name: 'Memory', type: 'boolean', jsonPath: '.spec.includeMemory', priority: 1 },
    age,
  ]),
  kind('VMClone', 'vmclones', ['vmclone'], VMCloneSpec, VMCloneStatus, [
    { name: 'Source', type: 'string', jsonPath: '.spec.sourceRef.name' },
    { name: 'Target', type: 'string', jsonPath: '.spec.target.name' },
    { name: 'Linked', type: 'boolean', jsonPath: '.spec.linked' },
    phase,
    age,
  ]),
  kind(
    'VMSet',
    'vmsets',
    ['vmset', 'vms-set'],
    VMSetSpec,
    VMSetStatus,
    [
      { name: 'Desired', type: 'integer', jsonPath: '.spec.replicas' },
      { name: 'Current', type: 'integer', jsonPath: '.status.replicas' },
      { name: 'Ready', type: 'integer', jsonPath: '.status.readyReplicas' },
      age,
    ],
    { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' },
  ),
  kind(
    'VMPlacementPolicy',
    'vmplacementpolicies',
    ['vmpp', 'vmplacement'],
    VMPlacementPolicySpec,
    VMPlacementPolicyStatus,
    [{ name: 'Used-By', type: 'integer', jsonPath: '.status.usedBy' }, age],
  ),
];

export function kindDefinition(kindName: string): KindDefinition {
  const found = KINDS.find((k) => k.kind === kindName);
  if (!found) throw new Error(`unknown kind ${kindName}`);
  return found;
}

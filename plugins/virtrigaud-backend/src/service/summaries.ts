// CRD objects → the API's summary shapes (plugins/virtrigaud-common/src/types.ts).
import {
  LABEL_INSTANCE,
  LABEL_NAME,
  PROVIDER_APP_NAME,
  REBOOT_REQUESTED_ANNOTATION,
  type ObjectMeta,
  type Provider,
  type ProviderType,
  type VirtualMachine,
  type VMClass,
  type VMImage,
  type VMNetworkAttachment,
} from '@virtrigaud/api';
import type {
  ObjectRef,
  ProviderMetrics,
  ProviderSummary,
  VmClassSummary,
  VmDetail,
  VmImageSummary,
  VmNetworkSummary,
  VmSummary,
} from '@virtrigaud/plugin-virtrigaud-common';
import type { DeploymentLike } from './cache/cluster-cache';
import { findCondition, providerHealth, vmHealth } from './health/health';

export const OWNER_KEY = 'backstage.io/owner';
const PROVIDER_TYPE_KEYS: ProviderType[] = ['vsphere', 'libvirt', 'proxmox', 'mock'];

/** Catalog owner of an object: annotation first (it can hold a full entity ref), then label. */
export function ownerOf(meta: VirtualMachine['metadata']): string | undefined {
  return meta.annotations?.[OWNER_KEY] ?? meta.labels?.[OWNER_KEY];
}

/** Where every summary starts: which object it is. */
function refOf(cluster: string, meta: ObjectMeta): ObjectRef {
  return { cluster, namespace: meta.namespace!, name: meta.name! };
}

/** Where a VM or Provider summary starts: which object it is and who owns it in the catalog. */
function catalogIdentity(cluster: string, meta: ObjectMeta) {
  return { ...refOf(cluster, meta), uid: meta.uid ?? '', owner: ownerOf(meta) };
}

function timestamp(value: string | Date | undefined): string | undefined {
  return value === undefined ? undefined : new Date(value).toISOString();
}

export function toVmSummary(cluster: string, vm: VirtualMachine): VmSummary {
  const meta = vm.metadata;
  return {
    ...catalogIdentity(cluster, meta),
    phase: vm.status?.phase,
    powerState: vm.status?.powerState ?? 'Unknown',
    desiredPowerState: vm.spec.powerState ?? 'On',
    ips: vm.status?.ips ?? [],
    provider: vm.spec.providerRef.name,
    className: vm.spec.classRef.name,
    imageName: vm.spec.imageRef.name,
    consoleURL: vm.status?.consoleURL || undefined,
    conditions: vm.status?.conditions ?? [],
    health: vmHealth(vm),
    deleting: Boolean(meta.deletionTimestamp),
    rebooting: rebootInProgress(vm),
    createdAt: timestamp(meta.creationTimestamp),
    labels: meta.labels ?? {},
    resourceVersion: meta.resourceVersion ?? '',
  };
}

/**
 * A reboot was requested and is not done: the operator has not taken up the annotation's value
 * yet, or its reboot task is still running (Ready says Rebooting until the VM settles).
 */
function rebootInProgress(vm: VirtualMachine): boolean {
  const requested = vm.metadata.annotations?.[REBOOT_REQUESTED_ANNOTATION];
  if (requested && requested !== vm.status?.observedRebootRequest) return true;
  return findCondition(vm.status?.conditions, 'Ready')?.reason === 'Rebooting';
}

export function toVmDetail(cluster: string, vm: VirtualMachine): VmDetail {
  return {
    ...toVmSummary(cluster, vm),
    spec: vm.spec,
    hypervisorId: vm.status?.id || undefined,
    observedGeneration: vm.status?.observedGeneration,
    generation: vm.metadata.generation,
  };
}

export interface ProviderParts {
  cluster: string;
  provider: Provider;
  deployment?: DeploymentLike;
  metrics: ProviderMetrics;
  vmCount: number;
}

export function toProviderSummary(parts: ProviderParts): ProviderSummary {
  const { cluster, provider, deployment, metrics, vmCount } = parts;
  const meta = provider.metadata;
  const desired = deployment?.spec?.replicas ?? provider.spec.runtime?.replicas ?? 1;
  const ready = deployment?.status?.readyReplicas ?? provider.status?.readyReplicas ?? 0;
  const connection = findCondition(provider.status?.conditions, 'HypervisorConnected');
  return {
    ...catalogIdentity(cluster, meta),
    type: provider.spec.type,
    endpoint: provider.spec.endpoint,
    replicas: { desired, ready },
    hypervisorConnected: connection ? connection.status === 'True' : undefined,
    capabilities: provider.status?.capabilities ?? [],
    conditions: provider.status?.conditions ?? [],
    lastHealthCheck: provider.status?.lastHealthCheck,
    metrics,
    vmCount,
    health: providerHealth({ provider, desiredReplicas: desired, readyReplicas: ready, metrics }),
    podLabelSelector: `${LABEL_NAME}=${PROVIDER_APP_NAME},${LABEL_INSTANCE}=${meta.name}`,
    resourceVersion: meta.resourceVersion ?? '',
  };
}

export function toClassSummary(cluster: string, vmClass: VMClass): VmClassSummary {
  return {
    ...refOf(cluster, vmClass.metadata),
    cpu: vmClass.spec.cpu,
    memory: vmClass.spec.memory,
    firmware: vmClass.spec.firmware,
    diskSizeGiB: vmClass.spec.diskDefaults?.sizeGiB,
  };
}

/** The provider types an object has a section for (`spec.source.vsphere`, `spec.libvirt`, ...). */
function sectionsOf(spec: object | undefined): ProviderType[] {
  return PROVIDER_TYPE_KEYS.filter((type) => spec && type in spec);
}

export function toImageSummary(cluster: string, image: VMImage): VmImageSummary {
  return {
    ...refOf(cluster, image.metadata),
    osType: image.spec.osType,
    phase: image.status?.phase,
    providerTypes: sectionsOf(image.spec.source),
  };
}

export function toNetworkSummary(cluster: string, net: VMNetworkAttachment): VmNetworkSummary {
  const types = sectionsOf(net.spec);
  return {
    ...refOf(cluster, net.metadata),
    // A network without a hypervisor section (e.g. for the mock provider) fits every provider.
    providerTypes: types.length ? types : PROVIDER_TYPE_KEYS,
    ipAllocation: net.spec.ipAllocation?.type,
  };
}

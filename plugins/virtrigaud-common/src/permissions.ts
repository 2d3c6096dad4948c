// Permissions of VirtRigaud. VM actions are resource-scoped (resource type `virtrigaud-vm`, the
// resource ref being `<cluster>:<namespace>/<name>`) so that policies can decide per VM (owner,
// namespace); provider permissions are basic. Creating a VM has no existing resource to scope to.
import { createPermission } from '@backstage/plugin-permission-common';
import type { ObjectRef } from './types';

export const VIRTRIGAUD_VM_RESOURCE_TYPE = 'virtrigaud-vm';

export const virtrigaudVmCreatePermission = createPermission({
  name: 'virtrigaud.vm.create',
  attributes: { action: 'create' },
});

export const virtrigaudVmReadPermission = createPermission({
  name: 'virtrigaud.vm.read',
  attributes: { action: 'read' },
  resourceType: VIRTRIGAUD_VM_RESOURCE_TYPE,
});

export const virtrigaudVmPowerPermission = createPermission({
  name: 'virtrigaud.vm.power',
  attributes: { action: 'update' },
  resourceType: VIRTRIGAUD_VM_RESOURCE_TYPE,
});

export const virtrigaudVmDeletePermission = createPermission({
  name: 'virtrigaud.vm.delete',
  attributes: { action: 'delete' },
  resourceType: VIRTRIGAUD_VM_RESOURCE_TYPE,
});

export const virtrigaudProviderCreatePermission = createPermission({
  name: 'virtrigaud.provider.create',
  attributes: { action: 'create' },
});

export const virtrigaudProviderReadPermission = createPermission({
  name: 'virtrigaud.provider.read',
  attributes: { action: 'read' },
});

export const virtrigaudPermissions = [
  virtrigaudVmCreatePermission,
  virtrigaudVmReadPermission,
  virtrigaudVmPowerPermission,
  virtrigaudVmDeletePermission,
  virtrigaudProviderCreatePermission,
  virtrigaudProviderReadPermission,
];

/** The resourceRef of a VM in permission requests: `<cluster>:<namespace>/<name>`. */
export function vmResourceRef(ref: ObjectRef): string {
  return `${ref.cluster}:${ref.namespace}/${ref.name}`;
}

export function parseVmResourceRef(resourceRef: string): ObjectRef | undefined {
  const match = /^([^:]+):([^/]+)\/(.+)$/.exec(resourceRef);
  return match ? { cluster: match[1], namespace: match[2], name: match[3] } : undefined;
}

// The provider.v1 requests for a VirtualMachine, with the JSON documents of the wire contract:
// class_json = VMClassSpec, image_json = VMImageSpec, networks_json = [{name, macAddress?,
// ipAddress?, attachment}], disks_json = spec.disks, placement_json = spec.placement over the
// Provider's defaults, desired_json = {class, disks}. Always JSON.stringify, never concatenation.
import { createHash } from 'node:crypto';
import { parseDuration, type VirtualMachine } from '@virtrigaud/api';
import type { CreateRequest, ObjectIdentity, PowerOp, PowerRequest } from '@virtrigaud/proto';
import type { ResolvedVM } from './resolve';

/** How long a graceful shutdown may take when spec.lifecycle.gracefulShutdownTimeout is unset. */
const DEFAULT_GRACEFUL_TIMEOUT_SECONDS = 60;

export function owner(vm: VirtualMachine): ObjectIdentity {
  return { uid: vm.metadata.uid!, namespace: vm.metadata.namespace!, name: vm.metadata.name! };
}

/** Hypervisor-side name: namespaces cannot contain dots, so <namespace>.<name> is unique. */
export function hypervisorName(vm: VirtualMachine): string {
  return `${vm.metadata.namespace}.${vm.metadata.name}`;
}

export function placement(vm: VirtualMachine, resolved: ResolvedVM): Record<string, unknown> {
  const { policyRef: _policy, ...vmPlacement } = vm.spec.placement ?? {};
  return { ...(resolved.provider.spec.defaults ?? {}), ...vmPlacement };
}

export function createRequest(vm: VirtualMachine, resolved: ResolvedVM): CreateRequest {
  const where = placement(vm, resolved);
  return {
    name: hypervisorName(vm),
    userData: resolved.userData ?? Buffer.alloc(0),
    metaData: resolved.metaData ?? Buffer.alloc(0),
    classJson: JSON.stringify(resolved.vmClass.spec),
    imageJson: JSON.stringify(resolved.image.spec),
    networksJson: JSON.stringify(resolved.networks),
    disksJson: JSON.stringify(vm.spec.disks ?? []),
    placementJson: JSON.stringify(where),
    tags: vm.spec.tags ?? [],
    targetHostId: typeof where.host === 'string' ? where.host : '',
    owner: owner(vm),
  };
}

export function desiredJson(vm: VirtualMachine, resolved: ResolvedVM): string {
  return JSON.stringify({ class: resolved.vmClass.spec, disks: vm.spec.disks ?? [] });
}

/** Identifies the hardware (class + disks) a VM should have; stored once applied. */
export function hardwareHash(vm: VirtualMachine, resolved: ResolvedVM): string {
  return createHash('sha256').update(desiredJson(vm, resolved)).digest('hex').slice(0, 16);
}

/** The Power call for `op` on the hypervisor VM `id`, with the VM's shutdown timeout and host. */
export function powerRequest(vm: VirtualMachine, id: string, op: PowerOp): PowerRequest {
  const timeout = vm.spec.lifecycle?.gracefulShutdownTimeout;
  return {
    id,
    op,
    gracefulTimeoutSeconds: timeout
      ? Math.max(
          1,
          Math.round(parseDuration(timeout, 'spec.lifecycle.gracefulShutdownTimeout') / 1000),
        )
      : DEFAULT_GRACEFUL_TIMEOUT_SECONDS,
    targetHostId: vm.spec.placement?.host ?? '',
    owner: owner(vm),
  };
}

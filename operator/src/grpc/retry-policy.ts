// Which provider calls the gateway may send again to another replica when one went away. A replica
// that dies mid-call may or may not have reached the hypervisor, so only calls whose repetition
// cannot do anything twice are repeated:
// - reads (Validate, GetCapabilities, Describe, TaskStatus);
// - Create and Clone: idempotent by the owner uid recorded on the hypervisor (any replica finds
//   the VM the first attempt made and returns it);
// - Delete, Reconfigure, SnapshotDelete, SnapshotRevert and Power on/off/shutdown: they converge
//   on a target state (deleting a missing VM succeeds);
// Not repeated: Power reboot (a second reboot is a second restart of the guest) and SnapshotCreate
// (it has no idempotency key: a repeat would make a second snapshot). Those fail back to the
// controller, whose reconcile looks at the VM again before deciding.
import { status as GrpcStatus } from '@grpc/grpc-js';
import { PowerOp, type PowerRequest } from '@virtrigaud/proto';
import type { ProviderMethod } from './provider-gateway';

const IDEMPOTENT: ReadonlySet<ProviderMethod> = new Set<ProviderMethod>([
  'validate',
  'getCapabilities',
  'describe',
  'taskStatus',
  'create',
  'clone',
  'delete',
  'reconfigure',
  'snapshotDelete',
  'snapshotRevert',
]);

export function isIdempotent(method: ProviderMethod, request: unknown): boolean {
  if (method === 'power') return (request as PowerRequest).op !== PowerOp.POWER_OP_REBOOT;
  return IDEMPOTENT.has(method);
}

/**
 * The replica is gone or gave the call up: UNAVAILABLE (connection refused or dropped, replica
 * draining) or CANCELLED (a replica stopping past its grace period resets its streams; the
 * gateway itself never cancels a call). DEADLINE_EXCEEDED is not retried: the time is spent.
 */
const REPLICA_GONE: ReadonlySet<number> = new Set([GrpcStatus.UNAVAILABLE, GrpcStatus.CANCELLED]);

export function retryOnAnotherReplica(method: ProviderMethod, request: unknown, code: number) {
  return REPLICA_GONE.has(code) && isIdempotent(method, request);
}

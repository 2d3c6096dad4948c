import { status } from '@grpc/grpc-js';
import { PowerOp } from '@virtrigaud/proto';
import { isIdempotent, retryOnAnotherReplica } from './retry-policy';

describe('which calls go to another replica', () => {
  it('repeats reads and owner-idempotent or converging mutations', () => {
    for (const method of [
      'describe',
      'taskStatus',
      'create',
      'clone',
      'delete',
      'reconfigure',
    ] as const)
      expect(isIdempotent(method, {})).toBe(true);
    expect(isIdempotent('power', { op: PowerOp.POWER_OP_ON })).toBe(true);
    expect(isIdempotent('power', { op: PowerOp.POWER_OP_SHUTDOWN_GRACEFUL })).toBe(true);
  });

  it('never repeats a reboot or a snapshot without an idempotency key', () => {
    expect(isIdempotent('power', { op: PowerOp.POWER_OP_REBOOT })).toBe(false);
    expect(isIdempotent('snapshotCreate', {})).toBe(false);
    expect(retryOnAnotherReplica('snapshotCreate', {}, status.UNAVAILABLE)).toBe(false);
  });

  it('only when the replica went away, not when the time is spent or the answer is final', () => {
    expect(retryOnAnotherReplica('create', {}, status.UNAVAILABLE)).toBe(true);
    expect(retryOnAnotherReplica('create', {}, status.CANCELLED)).toBe(true);
    expect(retryOnAnotherReplica('create', {}, status.DEADLINE_EXCEEDED)).toBe(false);
    expect(retryOnAnotherReplica('create', {}, status.ALREADY_EXISTS)).toBe(false);
  });
});

// Checks of the plain request fields (ids, names, owners, enums, byte sizes). Each failure is an
// INVALID_ARGUMENT naming the proto field, raised before the backend is called: bad input never
// reaches the hypervisor.
import type { ObjectIdentity } from '@virtrigaud/proto';
import { PowerOp } from '@virtrigaud/proto';
import type { Owner, PowerOperation } from '../backend';
import { invalidArgument } from '../errors';

const MAX_ID_LENGTH = 512;
/** Kubernetes object names, which the operator derives VM names from: no shell or XML metacharacters. */
const VM_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const MAX_VM_NAME_LENGTH = 253;
const MAX_GRACEFUL_TIMEOUT_SECONDS = 86_400;
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

export function requireId(field: string, value: string): string {
  if (value === '') throw invalidArgument(field, 'is required');
  if (value.length > MAX_ID_LENGTH)
    throw invalidArgument(field, `must be at most ${MAX_ID_LENGTH} characters`);
  if (CONTROL_CHARACTERS.test(value))
    throw invalidArgument(field, 'must not contain control characters');
  return value;
}

export function optionalId(field: string, value: string): string | undefined {
  return value === '' ? undefined : requireId(field, value);
}

export function requireVmName(field: string, value: string): string {
  if (value === '') throw invalidArgument(field, 'is required');
  if (value.length > MAX_VM_NAME_LENGTH || !VM_NAME.test(value)) {
    throw invalidArgument(
      field,
      `must be a DNS subdomain (lowercase letters, digits, "-" and ".", at most ${MAX_VM_NAME_LENGTH} characters)`,
    );
  }
  return value;
}

export function optionalOwner(field: string, value: ObjectIdentity | undefined): Owner | undefined {
  if (!value || (value.uid === '' && value.name === '' && value.namespace === '')) return undefined;
  return requireOwner(field, value);
}

export function requireOwner(field: string, value: ObjectIdentity | undefined): Owner {
  if (!value) throw invalidArgument(`${field}.uid`, 'is required (the owning object identity)');
  return {
    uid: requireId(`${field}.uid`, value.uid),
    namespace: value.namespace,
    name: value.name,
  };
}

export function limitBytes(field: string, value: Buffer, max: number): Buffer | undefined {
  if (value.length > max)
    throw invalidArgument(field, `must be at most ${max} bytes (got ${value.length})`);
  return value.length === 0 ? undefined : value;
}

const POWER_OPERATIONS: Partial<Record<PowerOp, PowerOperation>> = {
  [PowerOp.POWER_OP_ON]: 'on',
  [PowerOp.POWER_OP_OFF]: 'off',
  [PowerOp.POWER_OP_REBOOT]: 'reboot',
  [PowerOp.POWER_OP_SHUTDOWN_GRACEFUL]: 'shutdownGraceful',
};

export function requirePowerOp(field: string, value: PowerOp): PowerOperation {
  const op = POWER_OPERATIONS[value];
  if (!op) {
    throw invalidArgument(
      field,
      'must be one of POWER_OP_ON, POWER_OP_OFF, POWER_OP_REBOOT, POWER_OP_SHUTDOWN_GRACEFUL',
    );
  }
  return op;
}

export function gracefulTimeout(field: string, value: number): number {
  if (!Number.isInteger(value) || value < 0 || value > MAX_GRACEFUL_TIMEOUT_SECONDS) {
    throw invalidArgument(field, `must be between 0 and ${MAX_GRACEFUL_TIMEOUT_SECONDS}`);
  }
  return value;
}

export function boundedText(field: string, value: string, max: number): string {
  if (value.length > max) throw invalidArgument(field, `must be at most ${max} characters`);
  if (CONTROL_CHARACTERS.test(value.replace(/[\n\t]/g, ''))) {
    throw invalidArgument(field, 'must not contain control characters');
  }
  return value;
}

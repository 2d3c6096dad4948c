// The Clone request backend tests send: only the source, the target owner and what a test varies
// are worth spelling out at the call.
import type { CloneInput, Owner } from '../backend';

/** A full clone of `sourceVmId` for `target`, named `tests.<owner name>` like the tests' VMs. */
export function cloneInput(
  sourceVmId: string,
  target: Owner,
  overrides: Partial<CloneInput> = {},
): CloneInput {
  return {
    sourceVmId,
    targetName: `tests.${target.name}`,
    linked: false,
    placement: {},
    customize: {},
    target,
    ...overrides,
  };
}

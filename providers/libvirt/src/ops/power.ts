// Power: start and hard off run synchronously (libvirt answers once QEMU started or was killed);
// reboot is a hard reset, since a guest without ACPI support or agent would ignore a polite request;
// graceful shutdown asks the guest (ACPI) and returns a task that ends when the domain is off, or
// powers it off hard once the timeout passed (any replica polling TaskStatus does that).
// Each action is tried directly, without reading the domain's state first: libvirt refuses one
// that does not fit the state (starting a running domain, resetting a stopped one), and only then
// is the state read to tell a request already fulfilled from a real failure. Power on, the
// operator's step after Create, is thus one `virsh start` when this process knows the VM.
import {
  failedPrecondition,
  ProviderError,
  type CallContext,
  type Operation,
  type PowerOperation,
} from '@virtrigaud/provider-sdk';
import type { LibvirtContext } from '../context';
import { isActive } from '../domain/power-state';
import { encodeTask } from '../tasks';
import { requireManagedVm, vmNotFound } from './find-vm';

const DEFAULT_GRACEFUL_SECONDS = 60;

export async function power(
  lv: LibvirtContext,
  ctx: CallContext,
  id: string,
  op: PowerOperation,
  gracefulTimeoutSeconds: number,
): Promise<Operation> {
  await requireManagedVm(lv, id, ctx.signal);
  try {
    return await act(lv, ctx.signal, id, op, gracefulTimeoutSeconds);
  } catch (err) {
    if (!isNotFound(err)) throw err;
    // Gone since this process last saw it (deleted through another replica).
    lv.managedIds.forget(id);
    throw vmNotFound(id);
  }
}

async function act(
  lv: LibvirtContext,
  signal: AbortSignal | undefined,
  id: string,
  op: PowerOperation,
  gracefulTimeoutSeconds: number,
): Promise<Operation> {
  const run = (args: string[]) => lv.virsh.run([...args, '--domain', id], { signal });
  /** The state once libvirt refused an action; any other failure (gone, unreachable) stands. */
  const stateAfter = async (err: unknown) => {
    if (!isRefusal(err)) throw err;
    const state = await lv.domains.state(id, signal);
    if (state === undefined) throw vmNotFound(id);
    return state;
  };
  switch (op) {
    case 'on':
      try {
        await run(['start']);
      } catch (err) {
        const state = await stateAfter(err);
        if (state === 'paused') await run(['resume']);
        else if (!isActive(state)) throw err;
      }
      return {};
    case 'off':
      await hardOff(lv, id, signal);
      return {};
    case 'reboot':
      try {
        await run(['reset']);
      } catch (err) {
        if (!isActive(await stateAfter(err)))
          throw failedPrecondition('the VM is not running; power it on instead');
        throw err;
      }
      return {};
    case 'shutdownGraceful': {
      try {
        await run(['shutdown', '--mode', 'acpi']);
      } catch (err) {
        if (!isActive(await stateAfter(err))) return {};
        throw err;
      }
      const seconds =
        gracefulTimeoutSeconds > 0 ? gracefulTimeoutSeconds : DEFAULT_GRACEFUL_SECONDS;
      return {
        task: encodeTask({
          op: 'shutdown',
          id,
          expect: 'shut off',
          hardOffAt: Date.now() + seconds * 1000,
        }),
      };
    }
  }
}

/** `virsh destroy`, tolerating a domain that is not running (or stopped in the meantime). */
export async function hardOff(lv: LibvirtContext, id: string, signal?: AbortSignal): Promise<void> {
  try {
    await lv.virsh.run(['destroy', '--domain', id], { signal });
  } catch (err) {
    if (isNotFound(err) || isActive(await lv.domains.state(id, signal))) throw err;
  }
}

/**
 * Refused for the domain's state: FAILED_PRECONDITION from libvirt, or virsh's own "Domain is
 * already active" (unclassified, so INTERNAL).
 */
function isRefusal(err: unknown): boolean {
  return err instanceof ProviderError && ['FAILED_PRECONDITION', 'INTERNAL'].includes(err.code);
}

function isNotFound(err: unknown): boolean {
  return err instanceof ProviderError && err.code === 'NOT_FOUND';
}

// Power: start and hard off run synchronously (libvirt answers once QEMU started or was killed);
// reboot is a hard reset, since a guest without ACPI support or agent would ignore a polite request;
// graceful shutdown asks the guest (ACPI) and returns a task that ends when the domain is off, or
// powers it off hard once the timeout passed (any replica polling TaskStatus does that).
import {
  failedPrecondition,
  type CallContext,
  type Operation,
  type PowerOperation,
} from '@virtrigaud/provider-sdk';
import type { LibvirtContext } from '../context';
import { isActive } from '../domain/power-state';
import { encodeTask } from '../tasks';
import { requireVm } from './find-vm';

const DEFAULT_GRACEFUL_SECONDS = 60;

export async function power(
  lv: LibvirtContext,
  ctx: CallContext,
  id: string,
  op: PowerOperation,
  gracefulTimeoutSeconds: number,
): Promise<Operation> {
  // The live XML says whether the domain is active; only an active one needs its exact state.
  const { active } = await requireVm(lv, id, ctx.signal, false);
  const run = (args: string[]) => lv.virsh.run([...args, '--domain', id], { signal: ctx.signal });
  switch (op) {
    case 'on':
      if (!active) await run(['start']);
      else if ((await lv.domains.state(id, ctx.signal)) === 'paused') await run(['resume']);
      return {};
    case 'off':
      if (active) await hardOff(lv, id, ctx.signal);
      return {};
    case 'reboot':
      if (!active) throw failedPrecondition('the VM is not running; power it on instead');
      await run(['reset']);
      return {};
    case 'shutdownGraceful': {
      if (!active) return {};
      await run(['shutdown', '--mode', 'acpi']);
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

/** `virsh destroy`, tolerating a domain that stopped in the meantime. */
export async function hardOff(lv: LibvirtContext, id: string, signal?: AbortSignal): Promise<void> {
  try {
    await lv.virsh.run(['destroy', '--domain', id], { signal });
  } catch (err) {
    if (isActive(await lv.domains.state(id, signal))) throw err;
  }
}

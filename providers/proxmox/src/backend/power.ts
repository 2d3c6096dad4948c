// Power operations. Each first reads the current state, so a repeated call is a no-op instead of
// a Proxmox error ("already running"); reboot of a stopped VM starts it, and a graceful shutdown
// powers off after the timeout (forceStop) as the VirtualMachine's OffGraceful promises.
import type { CallScope } from '../client/pve-client';
import type { CallContext, Operation, PowerOperation } from '@virtrigaud/provider-sdk';
import type { PveContext } from './context';
import { requireVm, vmPath, type VmResource } from './resources';

interface CurrentStatus {
  status: 'running' | 'stopped';
  qmpstatus?: string;
  agent?: number;
  lock?: string;
}

export function currentStatus(
  pve: PveContext,
  vm: VmResource,
  scope: CallScope,
): Promise<CurrentStatus> {
  return pve.client.get<CurrentStatus>(vmPath(vm, '/status/current'), {}, scope);
}

export async function powerVm(
  pve: PveContext,
  ctx: CallContext,
  id: string,
  op: PowerOperation,
  gracefulTimeoutSeconds: number,
): Promise<Operation> {
  const vm = await requireVm(pve, 'id', id, ctx);
  const running = (await currentStatus(pve, vm, ctx)).status === 'running';
  const call = (action: string, params = {}) =>
    pve.client
      .post<string>(vmPath(vm, `/status/${action}`), params, ctx)
      .then((task) => ({ task }));
  switch (op) {
    case 'on':
      return running ? {} : call('start');
    case 'off':
      return running ? call('stop') : {};
    case 'reboot':
      return call(running ? 'reboot' : 'start');
    case 'shutdownGraceful':
      return running
        ? call('shutdown', {
            timeout: gracefulTimeoutSeconds > 0 ? gracefulTimeoutSeconds : undefined,
            forceStop: true,
          })
        : {};
  }
}

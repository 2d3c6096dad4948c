// A batch of VirtualMachines created at once, as the fault tests create them, and the moments those
// tests wait for: the provider has answered the first creates (where the fault goes in), then
// every VM is Running; and what the shared mock hypervisor must hold at the end.
import type { KubeClient, KubeObject } from '@virtrigaud/kube';
import { Resources } from '@virtrigaud/api';
import type { VirtualMachineStatus } from '@virtrigaud/api';
import type { MockVM } from '@virtrigaud/provider-mock';
import { eventually } from '@virtrigaud/testing';
import { hypervisorVMs } from './provider-replicas';
import { NAMESPACE, virtualMachine } from './seed-example';

export type VMObject = KubeObject & { status?: VirtualMachineStatus };

export async function listVMs(client: KubeClient): Promise<VMObject[]> {
  return (await client.list<VMObject>(Resources.VirtualMachine, NAMESPACE)).items;
}

/** Creates a VM for each name, all at once, on `provider` (default: the seed example's). */
export async function createVMs(client: KubeClient, names: string[], provider?: string) {
  await Promise.all(
    names.map((name) => client.create(Resources.VirtualMachine, virtualMachine(name, provider))),
  );
}

/** The VMs once `enough` holds for them. */
async function vmsOnce(
  client: KubeClient,
  what: string,
  enough: (vms: VMObject[]) => boolean,
  timeoutMs?: number,
): Promise<VMObject[]> {
  return eventually(
    what,
    async () => {
      const current = await listVMs(client);
      return enough(current) ? current : undefined;
    },
    { timeoutMs },
  );
}

/** The VMs once the provider has answered at least `count` creates (status.id set). */
export function createsAnswered(client: KubeClient, count: number, timeoutMs?: number) {
  const answered = (vms: VMObject[]) => vms.filter((vm) => vm.status?.id).length >= count;
  return vmsOnce(client, `${count} creates answered`, answered, timeoutMs);
}

/** The VMs once `count` of them are Running. */
export function allRunning(client: KubeClient, count: number, timeoutMs?: number) {
  const running = (vms: VMObject[]) =>
    vms.filter((vm) => vm.status?.phase === 'Running').length === count;
  return vmsOnce(client, `all ${count} VMs Running`, running, timeoutMs);
}

/**
 * The mock hypervisor in `stateDir` holds `count` VMs, exactly one for each of the settled
 * VirtualMachines (by owner uid), and no two VirtualMachines name the same VM.
 */
export async function expectOneHypervisorVMEach(
  stateDir: string,
  settled: VMObject[],
  count: number,
): Promise<MockVM[]> {
  const onHypervisor = await hypervisorVMs(stateDir);
  expect(onHypervisor).toHaveLength(count);
  expect(onHypervisor.map((vm) => vm.owner.uid).sort()).toEqual(
    settled.map((vm) => vm.metadata.uid).sort(),
  );
  expect(new Set(settled.map((vm) => vm.status?.id)).size).toBe(count);
  return onHypervisor;
}

// Watch mapping for controllers whose objects name a VirtualMachine (VMSnapshot, VMClone): a
// change of the VM enqueues every object of the informer in its namespace that names it.
import { type Informer, keyOf, type KubeObject } from '@virtrigaud/kube';
import type { VM } from './virtualmachine/reconciler';

export function referrersOfVM<T extends KubeObject>(
  informer: Informer<T>,
  vmName: (obj: T) => string,
): (vm: VM) => string[] {
  return (vm) =>
    informer
      .list(vm.metadata.namespace)
      .filter((obj) => vmName(obj) === vm.metadata.name)
      .map(keyOf);
}

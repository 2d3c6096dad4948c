// VMSet controller wiring: a set is reconciled when it changes and when one of the VMs it
// controls changes (found through the VM index SET_INDEX).
import { Resources, type VMSet } from '@virtrigaud/api';
import type { KubeObject } from '@virtrigaud/kube';
import type { Manager } from '../../manager';
import type { Controller } from '../../runtime/controller';
import type { VM } from '../virtualmachine/reconciler';
import { owningSet, SET_INDEX, VMSetReconciler } from './reconciler';

export function setup(manager: Manager): Controller {
  const sets = manager.informer<VMSet & KubeObject>(Resources.VMSet);
  const vms = manager.informer<VM>(Resources.VirtualMachine);
  vms.addIndex(SET_INDEX, owningSet);
  return manager
    .controller(
      'vmset',
      manager.options.concurrency.vmset,
      new VMSetReconciler({ client: manager.client, recorder: manager.recorder, sets, vms }),
    )
    .watchesOwn(sets)
    .watches(vms, owningSet);
}

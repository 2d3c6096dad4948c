// VMClone controller wiring: a clone is reconciled when it changes and when its source VM changes.
import { Resources, type VMClass, type VMClone, type VMSnapshot } from '@virtrigaud/api';
import type { KubeObject } from '@virtrigaud/kube';
import type { Manager } from '../../manager';
import type { Controller } from '../../runtime/controller';
import { ownWriteExpectations } from '../own-write-expectations';
import { vmProviderDeps } from '../vm-provider';
import { referrersOfVM } from '../vm-referrers';
import { VMCloneReconciler } from './reconciler';

export function setup(manager: Manager): Controller {
  const clones = manager.informer<VMClone & KubeObject>(Resources.VMClone);
  const deps = vmProviderDeps(manager);
  return manager
    .controller(
      'vmclone',
      manager.options.concurrency.clone,
      new VMCloneReconciler({
        ...deps,
        clones,
        expectations: ownWriteExpectations(clones),
        snapshots: manager.informer<VMSnapshot & KubeObject>(Resources.VMSnapshot),
        classes: manager.informer<VMClass & KubeObject>(Resources.VMClass),
        taskPollMs: 500,
      }),
    )
    .watchesOwn(clones)
    .watches(
      deps.vms,
      referrersOfVM(clones, (c) => c.spec.sourceRef.name),
    );
}

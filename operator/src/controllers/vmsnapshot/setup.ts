// VMSnapshot controller wiring: a snapshot is reconciled when it changes and when the VM it names
// changes (a VM that gets its hypervisor id unblocks a waiting snapshot).
import { Resources, type VMSnapshot } from '@virtrigaud/api';
import type { KubeObject } from '@virtrigaud/kube';
import type { Manager } from '../../manager';
import type { Controller } from '../../runtime/controller';
import { ownWriteExpectations } from '../own-write-expectations';
import { vmProviderDeps } from '../vm-provider';
import { referrersOfVM } from '../vm-referrers';
import { VMSnapshotReconciler } from './reconciler';

export function setup(manager: Manager): Controller {
  const snapshots = manager.informer<VMSnapshot & KubeObject>(Resources.VMSnapshot);
  const deps = vmProviderDeps(manager);
  return manager
    .controller(
      'vmsnapshot',
      manager.options.concurrency.snapshot,
      new VMSnapshotReconciler({
        ...deps,
        snapshots,
        expectations: ownWriteExpectations(snapshots),
        taskPollMs: 500,
      }),
    )
    .watchesOwn(snapshots)
    .watches(
      deps.vms,
      referrersOfVM(snapshots, (s) => s.spec.vmRef.name),
    );
}

// VirtualMachine controller wiring: a VM is reconciled when it changes (except for the echoes of
// its own settling writes), when its Provider's readiness, spec, capabilities or address change,
// and when the spec of a VMClass, VMImage or VMNetworkAttachment it references changes.
import {
  type Provider,
  Resources,
  type VMClass,
  type VMImage,
  type VMNetworkAttachment,
} from '@virtrigaud/api';
import { keyOf, type KubeObject, WriteExpectations } from '@virtrigaud/kube';
import type { Manager } from '../../manager';
import type { Controller } from '../../runtime/controller';
import { VirtualMachineReconciler, type VM } from './reconciler';

type Cached<T> = T & KubeObject;

export function setup(manager: Manager): Controller {
  const o = manager.options;
  const vms = manager.informer<VM>(Resources.VirtualMachine);
  const providers = manager.informer<Cached<Provider>>(Resources.Provider);
  const classes = manager.informer<Cached<VMClass>>(Resources.VMClass);
  const images = manager.informer<Cached<VMImage>>(Resources.VMImage);
  const networks = manager.informer<Cached<VMNetworkAttachment>>(Resources.VMNetworkAttachment);

  const ref = (vm: VM, name: string | undefined) =>
    name ? [`${vm.metadata.namespace}/${name}`] : [];
  vms.addIndex('provider', (vm) => ref(vm, vm.spec.providerRef?.name));
  vms.addIndex('class', (vm) => ref(vm, vm.spec.classRef?.name));
  vms.addIndex('image', (vm) => ref(vm, vm.spec.imageRef?.name));
  vms.addIndex('network', (vm) =>
    (vm.spec.networks ?? []).flatMap((n) => ref(vm, n.networkRef.name)),
  );
  manager.metrics.trackVMPhases(() => vms.list());

  // Observed by the controller's own VM watch, which skips the echoes of settling writes.
  const expectations = new WriteExpectations();
  const referrers = (index: string) => (obj: KubeObject, old: KubeObject | undefined) =>
    old && old.metadata.generation === obj.metadata.generation
      ? []
      : vms.byIndex(index, keyOf(obj)).map(keyOf);
  return manager
    .controller(
      'virtualmachine',
      o.concurrency.vm,
      new VirtualMachineReconciler({
        client: manager.client,
        vms,
        caches: { providers, classes, images, networks },
        endpoints: manager.endpoints,
        gateway: manager.gateway,
        recorder: manager.recorder,
        expectations,
        resyncPeriodMs: o.vmResyncPeriodMs,
        taskPollBaseMs: o.taskPollBaseMs,
        taskPollMaxMs: o.taskPollMaxMs,
      }),
    )
    .watches(vms, (vm, old) => (expectations.observe(vm, old) ? [] : [keyOf(vm)]))
    .watches(providers, (p, old) =>
      providerChanged(p, old) ? vms.byIndex('provider', keyOf(p)).map(keyOf) : [],
    )
    .watches(classes, referrers('class'))
    .watches(images, referrers('image'))
    .watches(networks, referrers('network'));
}

/** VMs care about their Provider's readiness, spec and capabilities, not its health timestamps. */
function providerChanged(p: Cached<Provider>, old: Cached<Provider> | undefined): boolean {
  if (!old) return true;
  const ready = (x: Cached<Provider>) =>
    x.status?.conditions?.find((c) => c.type === 'Ready')?.status;
  return (
    ready(p) !== ready(old) ||
    p.metadata.generation !== old.metadata.generation ||
    String(p.status?.capabilities) !== String(old.status?.capabilities) ||
    p.status?.serviceAddress !== old.status?.serviceAddress
  );
}

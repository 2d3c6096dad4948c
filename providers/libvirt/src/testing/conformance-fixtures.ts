// The VM specs the conformance suite creates libvirt domains from, shared by the provider's own
// conformance run and the operator's replicated one: TCG domains booting a test run's blank base
// image, with one data disk on the run's pool.
import type { ConformanceFixtures } from '@virtrigaud/provider-conformance';
import type { TestRun } from './libvirt';

/** `run` is asked for only when the suite creates VMs: the test starts its run after registering. */
export function conformanceFixtures(run: () => TestRun, namePrefix: string): ConformanceFixtures {
  return {
    class: { cpu: 1, memory: '128Mi' },
    get image() {
      return { source: { libvirt: { path: run().baseImage, format: 'qcow2' as const } } };
    },
    networks: [],
    disks: [{ name: 'data', sizeGiB: 1 }],
    placement: {},
    namePrefix,
  };
}

// The VM specs the conformance suite creates vSphere VMs from on vcsim, shared by the provider's own
// conformance run and the operator's replicated one.
import type { ConformanceFixtures } from '@virtrigaud/provider-conformance';

export const conformanceFixtures: ConformanceFixtures = {
  class: { cpu: 1, memory: '512Mi' },
  // A VM built from scratch: vcsim's CloneVM_Task ignores the clone spec's CPU/memory (vCenter
  // applies them), so template clones are covered by the backend tests instead.
  image: { source: {} },
  networks: [{ name: 'eth0', attachment: { vsphere: { portgroup: 'VM Network' } } }],
  disks: [{ name: 'data', sizeGiB: 1 }],
  placement: {},
};

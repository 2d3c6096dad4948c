// The VM specs the conformance suite creates Proxmox VMs from on the simulated cluster, shared by
// the provider's own conformance run and the operator's replicated one: cloned from the cluster's
// template, or created from scratch from its cloud image.
import type { ConformanceFixtures } from '@virtrigaud/provider-conformance';
import { CLOUD_IMAGE, TEMPLATE_VMID } from './fixture';

const common: Omit<ConformanceFixtures, 'image'> = {
  class: { cpu: 1, memory: '512Mi', diskDefaults: { sizeGiB: 8 } },
  networks: [
    { name: 'eth0', attachment: { proxmox: { bridge: 'vmbr0' }, ipAllocation: { type: 'DHCP' } } },
  ],
  disks: [{ name: 'data', sizeGiB: 1 }],
  placement: {},
};

export const templateCloneFixtures: ConformanceFixtures = {
  ...common,
  image: { source: { proxmox: { templateID: TEMPLATE_VMID } } },
};

export const cloudImageFixtures: ConformanceFixtures = {
  ...common,
  image: { source: { proxmox: { importFrom: CLOUD_IMAGE } } },
};

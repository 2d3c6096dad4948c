// VMNetworkAttachment: a network a VM can join, per hypervisor kind, with its IP allocation.
import { Type } from '@sinclair/typebox';
import {
  Conditions,
  defaultsOf,
  ObjectWithRules,
  ObservedGeneration,
  Status,
  StringEnum,
} from './common';

const IPV4 = '^((25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])$';
const IPV4_CIDR =
  '^((25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])/([0-9]|[12][0-9]|3[0-2])$';
const NIC_MODELS = ['virtio', 'e1000', 'e1000e', 'vmxnet3', 'rtl8139'] as const;

const ipAllocationFields = {
  type: Type.Optional(
    StringEnum(['DHCP', 'Static', 'None'] as const, {
      description: 'How the guest gets its address.',
      default: 'DHCP',
    }),
  ),
  address: Type.Optional(
    Type.String({
      pattern: IPV4_CIDR,
      description: 'Static address in CIDR form, 10.0.0.10/24.',
    }),
  ),
  gateway: Type.Optional(
    Type.String({ pattern: IPV4, description: 'Default gateway for Static.' }),
  ),
  dns: Type.Optional(
    Type.Array(Type.String({ pattern: IPV4 }), {
      maxItems: 8,
      description: 'DNS servers for Static.',
    }),
  ),
};

export const VMNetworkAttachmentSpec = ObjectWithRules(
  {
    vsphere: Type.Optional(
      Type.Object(
        {
          portgroup: Type.String({
            minLength: 1,
            maxLength: 256,
            description: 'Standard or distributed port group.',
          }),
        },
        { description: 'A vSphere port group.' },
      ),
    ),
    libvirt: Type.Optional(
      ObjectWithRules(
        {
          network: Type.Optional(
            Type.String({ minLength: 1, maxLength: 255, description: 'libvirt network name.' }),
          ),
          bridge: Type.Optional(
            Type.String({
              minLength: 1,
              maxLength: 15,
              pattern: '^[a-zA-Z0-9_.-]+$',
              description: 'Host bridge device.',
            }),
          ),
        },
        [
          {
            rule: 'has(self.network) != has(self.bridge)',
            message: 'set exactly one of network or bridge',
          },
        ],
        { description: 'A libvirt network or host bridge.' },
      ),
    ),
    proxmox: Type.Optional(
      Type.Object(
        {
          bridge: Type.String({
            minLength: 1,
            maxLength: 15,
            pattern: '^[a-zA-Z0-9_.-]+$',
            description: 'Proxmox bridge, e.g. vmbr0.',
          }),
          vlanTag: Type.Optional(
            Type.Integer({ minimum: 1, maximum: 4094, description: 'VLAN tag.' }),
          ),
          firewall: Type.Optional(
            Type.Boolean({
              default: false,
              description: 'Enable the Proxmox firewall on the NIC.',
            }),
          ),
        },
        { description: 'A Proxmox bridge.' },
      ),
    ),
    model: Type.Optional(
      StringEnum(NIC_MODELS, { description: 'Virtual NIC model.', default: 'virtio' }),
    ),
    ipAllocation: Type.Optional(
      ObjectWithRules(
        ipAllocationFields,
        [
          {
            rule: "self.type != 'Static' || has(self.address)",
            message: 'address is required for Static allocation',
            fieldPath: '.address',
          },
        ],
        {
          default: defaultsOf(ipAllocationFields),
          description: 'IP address allocation (passed to cloud-init network config).',
        },
      ),
    ),
  },
  [
    {
      rule: '[has(self.vsphere), has(self.libvirt), has(self.proxmox)].filter(x, x).size() <= 1',
      message: 'set at most one of vsphere, libvirt or proxmox',
    },
  ],
  { description: 'Desired network.' },
);

export const VMNetworkAttachmentStatus = Status(
  { observedGeneration: ObservedGeneration(), conditions: Conditions() },
  'Observed state of a VMNetworkAttachment.',
);

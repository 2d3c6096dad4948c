// VirtualMachine: what a developer asks for; the operator makes it exist on the Provider.
import { Type } from '@sinclair/typebox';
import {
  Conditions,
  Duration,
  LocalRef,
  ObjectName,
  ObjectWithRules,
  ObservedGeneration,
  SecretKeyRef,
  Status,
  StringEnum,
  DNS_LABEL_PATTERN,
} from './common';
import { VM_LIMITS } from './limits';
import { DISK_TYPES } from './vm-class';

export const POWER_STATES = ['On', 'Off', 'OffGraceful'] as const;

/**
 * Set on a VirtualMachine (by convention to an RFC 3339 timestamp) to ask for one reboot; the
 * operator reboots once per distinct value and records it in status.observedRebootRequest. A
 * request, not a desired state, so it is an annotation rather than a spec field.
 */
export const REBOOT_REQUESTED_ANNOTATION = 'infra.virtrigaud.io/reboot-requested-at';
export const VM_PHASES = [
  'Pending',
  'Provisioning',
  'Running',
  'Stopped',
  'Reconfiguring',
  'Deleting',
  'Failed',
] as const;

/** Cloud-init document given inline or read from a Secret, never both. */
function CloudInitSource(defaultKey: string, what: string) {
  return ObjectWithRules(
    {
      inline: Type.Optional(
        Type.String({
          maxLength: VM_LIMITS.maxCloudInitBytes,
          description: `${what}, inline.`,
        }),
      ),
      secretRef: Type.Optional(SecretKeyRef(defaultKey, `${what} from a Secret key.`)),
    },
    [
      {
        rule: 'has(self.inline) != has(self.secretRef)',
        message: 'set exactly one of inline or secretRef',
      },
    ],
    { description: what },
  );
}

const Network = Type.Object(
  {
    name: Type.String({
      minLength: 1,
      maxLength: 63,
      pattern: DNS_LABEL_PATTERN,
      description: 'Interface name, unique in the VM.',
    }),
    networkRef: LocalRef('VMNetworkAttachment'),
    macAddress: Type.Optional(
      Type.String({
        pattern: '^([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}$',
        description: 'Fixed MAC address.',
      }),
    ),
    ipAddress: Type.Optional(
      Type.String({
        pattern: '^((25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])$',
        description: 'Static IPv4 for this interface.',
      }),
    ),
  },
  { description: 'A NIC attached to a VMNetworkAttachment.' },
);

const Disk = Type.Object(
  {
    name: Type.String({
      minLength: 1,
      maxLength: 63,
      pattern: DNS_LABEL_PATTERN,
      description: 'Disk name, unique in the VM.',
    }),
    sizeGiB: Type.Integer({
      minimum: 1,
      maximum: VM_LIMITS.maxDiskSizeGiB,
      description: 'Size in GiB; may grow, never shrink.',
    }),
    type: Type.Optional(
      StringEnum(DISK_TYPES, {
        description: 'Provisioning/format; defaults to the class diskDefaults.',
      }),
    ),
    storage: Type.Optional(
      Type.String({ maxLength: 256, description: 'Datastore / storage pool / Proxmox storage.' }),
    ),
  },
  { description: 'An additional data disk.' },
);

export const Placement = Type.Object(
  {
    datacenter: Type.Optional(Type.String({ maxLength: 256, description: 'vSphere datacenter.' })),
    cluster: Type.Optional(Type.String({ maxLength: 256, description: 'vSphere cluster.' })),
    host: Type.Optional(
      Type.String({
        maxLength: 256,
        description: 'Specific host (vSphere host, libvirt host id).',
      }),
    ),
    resourcePool: Type.Optional(
      Type.String({ maxLength: 512, description: 'vSphere resource pool.' }),
    ),
    folder: Type.Optional(Type.String({ maxLength: 512, description: 'vSphere folder.' })),
    datastore: Type.Optional(Type.String({ maxLength: 256, description: 'vSphere datastore.' })),
    node: Type.Optional(Type.String({ maxLength: 64, description: 'Proxmox node.' })),
    storage: Type.Optional(
      Type.String({ maxLength: 256, description: 'Proxmox storage or libvirt storage pool.' }),
    ),
    policyRef: Type.Optional(LocalRef('VMPlacementPolicy')),
  },
  { description: 'Where the VM runs; unset fields fall back to the Provider defaults.' },
);

export const VirtualMachineSpec = ObjectWithRules(
  {
    providerRef: LocalRef('Provider'),
    classRef: LocalRef('VMClass'),
    imageRef: LocalRef('VMImage'),
    networks: Type.Optional(
      Type.Array(Network, {
        maxItems: VM_LIMITS.maxNetworks,
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['name'],
        description: 'NICs, in order.',
      }),
    ),
    disks: Type.Optional(
      Type.Array(Disk, {
        maxItems: VM_LIMITS.maxDisks,
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['name'],
        description: 'Data disks besides the boot disk.',
      }),
    ),
    userData: Type.Optional(
      Type.Object(
        { cloudInit: CloudInitSource('userdata', 'cloud-init user-data') },
        { description: 'Guest customization.' },
      ),
    ),
    metaData: Type.Optional(CloudInitSource('metadata', 'cloud-init meta-data')),
    powerState: Type.Optional(
      StringEnum(POWER_STATES, {
        description: 'On, Off (hard) or OffGraceful (guest shutdown, then off after the timeout).',
        default: 'On',
      }),
    ),
    tags: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 128, pattern: '^[a-zA-Z0-9_.:/=-]+$' }), {
        maxItems: 64,
        'x-kubernetes-list-type': 'set',
        description: 'Tags applied on the hypervisor.',
      }),
    ),
    placement: Type.Optional(Placement),
    lifecycle: Type.Optional(
      Type.Object(
        {
          gracefulShutdownTimeout: Type.Optional(
            Duration('How long OffGraceful waits for the guest before powering off.', '60s'),
          ),
          protectedFromDeletion: Type.Optional(
            Type.Boolean({
              default: false,
              description: 'Refuse deletion of the hypervisor VM until cleared.',
            }),
          ),
        },
        { default: {}, description: 'Power and deletion behaviour.' },
      ),
    ),
  },
  [
    {
      rule: 'self.providerRef == oldSelf.providerRef',
      message: 'providerRef is immutable',
      fieldPath: '.providerRef',
    },
    {
      rule: 'self.imageRef == oldSelf.imageRef',
      message: 'imageRef is immutable',
      fieldPath: '.imageRef',
    },
  ],
  { description: 'Desired state of a VirtualMachine.' },
);

export const VirtualMachineStatus = Status(
  {
    observedGeneration: ObservedGeneration(),
    conditions: Conditions(),
    phase: StringEnum(VM_PHASES, { description: 'Lifecycle phase.' }),
    id: Type.String({ description: 'The VM id on the hypervisor.' }),
    powerState: StringEnum(['On', 'Off', 'Unknown'] as const, {
      description: 'Observed power state.',
    }),
    ips: Type.Array(Type.String(), { description: 'Guest IP addresses.' }),
    consoleURL: Type.String({ description: 'Web or VNC console address.' }),
    lastTaskRef: Type.String({ description: 'The provider task in flight, if any.' }),
    observedRebootRequest: Type.String({
      description:
        'The value of annotation infra.virtrigaud.io/reboot-requested-at the operator last acted on (rebooted the VM, or not because it was off); a different value asks for another reboot.',
    }),
    appliedHardwareHash: Type.String({
      description:
        'Hash of the class and disks last applied on the hypervisor (by Create or Reconfigure); a different hash of the current ones means a Reconfigure is due.',
    }),
    provider: Type.Object(
      { name: ObjectName('Provider that hosts the VM.') },
      { description: 'Where the VM was created.' },
    ),
  },
  'Observed state of a VirtualMachine.',
);

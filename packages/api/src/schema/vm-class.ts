// VMClass: a named hardware size (CPU, memory, firmware) that VirtualMachines refer to.
import { Type } from '@sinclair/typebox';
import { Conditions, ObjectWithRules, ObservedGeneration, Status, StringEnum } from './common';
import { VM_LIMITS } from './limits';

export const DISK_TYPES = ['thin', 'thick', 'eagerZeroedThick', 'qcow2', 'raw'] as const;

export const VMClassSpec = ObjectWithRules(
  {
    cpu: Type.Integer({ minimum: 1, maximum: 768, description: 'Virtual CPUs.' }),
    memory: Type.String({
      pattern: '^[1-9][0-9]*(Mi|Gi|Ti)$',
      description: 'Memory as a binary quantity: 512Mi, 4Gi.',
    }),
    firmware: Type.Optional(
      StringEnum(['BIOS', 'UEFI'] as const, { description: 'Boot firmware.', default: 'BIOS' }),
    ),
    secureBoot: Type.Optional(Type.Boolean({ default: false, description: 'UEFI Secure Boot.' })),
    cpuHotAdd: Type.Optional(
      Type.Boolean({ default: false, description: 'Allow adding CPUs while the VM runs.' }),
    ),
    memoryHotAdd: Type.Optional(
      Type.Boolean({ default: false, description: 'Allow adding memory while the VM runs.' }),
    ),
    diskDefaults: Type.Optional(
      Type.Object(
        {
          type: Type.Optional(
            StringEnum(DISK_TYPES, {
              description: 'Provisioning/format of new disks.',
              default: 'thin',
            }),
          ),
          sizeGiB: Type.Optional(
            Type.Integer({
              minimum: 1,
              maximum: VM_LIMITS.maxDiskSizeGiB,
              default: 20,
              description: 'Size of the boot disk.',
            }),
          ),
        },
        { description: 'Defaults for disks of VMs of this class.' },
      ),
    ),
    guestOS: Type.Optional(
      Type.String({
        maxLength: 128,
        description: 'Guest OS identifier passed to the hypervisor (e.g. otherLinux64Guest, l26).',
      }),
    ),
  },
  [
    {
      rule: "!self.secureBoot || self.firmware == 'UEFI'",
      message: 'secureBoot requires firmware UEFI',
      fieldPath: '.secureBoot',
    },
  ],
  { description: 'Desired hardware of VMs of this class.' },
);

export const VMClassStatus = Status(
  { observedGeneration: ObservedGeneration(), conditions: Conditions() },
  'Observed state of a VMClass.',
);

// VMClone: a new VirtualMachine copied from an existing one (full or linked).
import { Type } from '@sinclair/typebox';
import {
  Conditions,
  LocalRef,
  ObjectName,
  ObjectWithRules,
  ObservedGeneration,
  Status,
  StringEnum,
} from './common';
import { Placement } from './virtual-machine';

export const VMCloneSpec = ObjectWithRules(
  {
    sourceRef: LocalRef('VirtualMachine'),
    target: Type.Object(
      {
        name: ObjectName('Name of the VirtualMachine to create.'),
        classRef: Type.Optional(LocalRef('VMClass')),
        placement: Type.Optional(Placement),
      },
      { description: 'The clone.' },
    ),
    linked: Type.Optional(
      Type.Boolean({
        default: false,
        description: 'Linked clone sharing the source disks (needs a snapshot).',
      }),
    ),
    snapshotRef: Type.Optional(LocalRef('VMSnapshot')),
    customization: Type.Optional(
      Type.Object(
        {
          hostname: Type.Optional(
            Type.String({
              maxLength: 63,
              pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$',
              description: 'Guest hostname.',
            }),
          ),
        },
        { description: 'Guest changes applied to the clone.' },
      ),
    ),
  },
  [
    {
      rule: '!self.linked || has(self.snapshotRef)',
      message: 'a linked clone needs snapshotRef',
      fieldPath: '.snapshotRef',
    },
    {
      rule: 'self.target.name != self.sourceRef.name',
      message: 'target.name must differ from sourceRef.name',
      fieldPath: '.target.name',
    },
  ],
  { description: 'Desired clone.' },
);

export const VMCloneStatus = Status(
  {
    observedGeneration: ObservedGeneration(),
    conditions: Conditions(),
    phase: StringEnum(['Pending', 'Cloning', 'Ready', 'Failed'] as const, {
      description: 'Clone phase.',
    }),
    targetVMId: Type.String({ description: 'Hypervisor id of the clone.' }),
    lastTaskRef: Type.String({
      description: 'The provider task in flight, if any (resumed after a manager restart).',
    }),
  },
  'Observed state of a VMClone.',
);

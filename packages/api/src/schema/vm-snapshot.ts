// VMSnapshot: a point-in-time snapshot of a VirtualMachine.
import { Type } from '@sinclair/typebox';
import { Conditions, LocalRef, ObservedGeneration, Status, StringEnum } from './common';

export const VMSnapshotSpec = Type.Object(
  {
    vmRef: LocalRef('VirtualMachine'),
    nameHint: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        pattern: '^[a-zA-Z0-9][a-zA-Z0-9_.-]*$',
        description: 'Snapshot name on the hypervisor.',
      }),
    ),
    includeMemory: Type.Optional(
      Type.Boolean({
        default: false,
        description: 'Capture the running memory too (needs memory-snapshot support).',
      }),
    ),
    description: Type.Optional(
      Type.String({ maxLength: 1024, description: 'Free text stored with the snapshot.' }),
    ),
  },
  { description: 'Desired snapshot.' },
);

export const VMSnapshotStatus = Status(
  {
    observedGeneration: ObservedGeneration(),
    conditions: Conditions(),
    phase: StringEnum(['Pending', 'Creating', 'Ready', 'Deleting', 'Failed'] as const, {
      description: 'Snapshot phase.',
    }),
    snapshotId: Type.String({ description: 'Snapshot id on the hypervisor.' }),
    creationTime: Type.String({ format: 'date-time', description: 'When the hypervisor took it.' }),
    lastTaskRef: Type.String({
      description: 'The provider task in flight, if any (resumed after a manager restart).',
    }),
  },
  'Observed state of a VMSnapshot.',
);

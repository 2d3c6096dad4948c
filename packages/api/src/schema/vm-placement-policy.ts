// VMPlacementPolicy: hard and soft placement constraints plus anti-affinity between VMs.
import { Type } from '@sinclair/typebox';
import { Conditions, ObservedGeneration, Status, StringEnum, LabelMap } from './common';

function Targets(description: string) {
  const list = (what: string) =>
    Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 256 }), {
        maxItems: 64,
        description: what,
      }),
    );
  return Type.Object(
    {
      clusters: list('Clusters.'),
      hosts: list('Hosts.'),
      datastores: list('Datastores.'),
      nodes: list('Proxmox nodes.'),
      zones: list('Zones (topology labels).'),
    },
    { description },
  );
}

export const VMPlacementPolicySpec = Type.Object(
  {
    hard: Type.Optional(Targets('Placement a VM must satisfy.')),
    soft: Type.Optional(Targets('Placement preferred when possible.')),
    antiAffinity: Type.Optional(
      Type.Object(
        {
          matchLabels: LabelMap({
            description: 'VMs to keep apart from each other.',
            maxProperties: 32,
          }),
          scope: Type.Optional(
            StringEnum(['Host', 'Cluster', 'Datastore', 'Zone'] as const, {
              description: 'Unit that must differ.',
              default: 'Host',
            }),
          ),
          required: Type.Optional(
            Type.Boolean({ default: false, description: 'Fail placement rather than co-locate.' }),
          ),
        },
        { description: 'Spread VMs matching the labels.' },
      ),
    ),
  },
  { description: 'Desired placement policy.' },
);

export const VMPlacementPolicyStatus = Status(
  {
    observedGeneration: ObservedGeneration(),
    conditions: Conditions(),
    usedBy: Type.Integer({ minimum: 0, description: 'VMs referring to this policy.' }),
  },
  'Observed state of a VMPlacementPolicy.',
);

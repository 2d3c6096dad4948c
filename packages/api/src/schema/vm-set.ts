// VMSet: N identical VirtualMachines from one template, like a ReplicaSet.
import { Type } from '@sinclair/typebox';
import {
  Conditions,
  LabelMap,
  ObjectWithRules,
  ObservedGeneration,
  Status,
  StringEnum,
  StringMap,
} from './common';
import { VirtualMachineSpec } from './virtual-machine';

export const VMSetSpec = ObjectWithRules(
  {
    replicas: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 1000, default: 1, description: 'Number of VMs.' }),
    ),
    selector: Type.Object(
      {
        matchLabels: LabelMap({
          description: 'Labels that identify the VMs of this set.',
          maxProperties: 32,
        }),
      },
      { description: 'Label selector of the member VMs.' },
    ),
    template: Type.Object(
      {
        metadata: Type.Object(
          {
            labels: LabelMap({
              description: 'Labels of each VM; must include the selector.',
              maxProperties: 64,
            }),
            annotations: Type.Optional(
              StringMap({ description: 'Annotations of each VM.', maxProperties: 64 }),
            ),
          },
          { description: 'Metadata of each VM.' },
        ),
        spec: VirtualMachineSpec,
      },
      { description: 'Template of the member VMs.' },
    ),
    updateStrategy: Type.Optional(
      Type.Object(
        {
          type: Type.Optional(
            StringEnum(['RollingUpdate', 'Recreate', 'OnDelete'] as const, {
              description: 'How template changes reach existing VMs.',
              default: 'RollingUpdate',
            }),
          ),
        },
        { default: {}, description: 'Update strategy.' },
      ),
    ),
  },
  [
    {
      rule: 'self.selector.matchLabels.all(k, k in self.template.metadata.labels && self.template.metadata.labels[k] == self.selector.matchLabels[k])',
      message: 'template.metadata.labels must match selector.matchLabels',
      fieldPath: '.template.metadata.labels',
    },
  ],
  { description: 'Desired set.' },
);

export const VMSetStatus = Status(
  {
    observedGeneration: ObservedGeneration(),
    conditions: Conditions(),
    replicas: Type.Integer({ minimum: 0, description: 'VMs that exist.' }),
    readyReplicas: Type.Integer({ minimum: 0, description: 'VMs that are Running.' }),
  },
  'Observed state of a VMSet.',
);

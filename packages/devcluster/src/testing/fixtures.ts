// A small CRD exercising what the API server must enforce: schema types, enums, defaults,
// required fields, list-map keys, a CEL rule, a transition rule, status subresource, scale,
// and printer columns.
/* eslint-disable @typescript-eslint/no-explicit-any -- manifests are untyped JSON */
import { loadYaml, type V1CustomResourceDefinition } from '@kubernetes/client-node';

/**
 * The CRD as client-node's typed API wants it: its serializer knows `default` as `_default` and
 * so on, and loadYaml does that mapping (JSON is YAML).
 */
export function typed(manifest: unknown): V1CustomResourceDefinition {
  return loadYaml<V1CustomResourceDefinition>(JSON.stringify(manifest));
}

/** The Widget CRD in `group`: each suite uses a group of its own, as CRDs are cluster-wide. */
export function widgetCrd(group: string): any {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `widgets.${group}` },
    spec: {
      group,
      scope: 'Namespaced',
      names: { plural: 'widgets', singular: 'widget', kind: 'Widget', shortNames: ['wdg'] },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          subresources: {
            status: {},
            scale: { specReplicasPath: '.spec.size', statusReplicasPath: '.status.size' },
          },
          additionalPrinterColumns: [
            { name: 'Size', type: 'integer', jsonPath: '.spec.size' },
            { name: 'Color', type: 'string', jsonPath: '.spec.color' },
            { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
          ],
          schema: {
            openAPIV3Schema: {
              type: 'object',
              required: ['spec'],
              properties: {
                spec: {
                  type: 'object',
                  required: ['size'],
                  'x-kubernetes-validations': [
                    {
                      rule: 'self.max >= self.size',
                      message: 'max must be at least size',
                      fieldPath: '.max',
                    },
                    { rule: 'self.owner == oldSelf.owner', message: 'owner is immutable' },
                  ],
                  properties: {
                    size: { type: 'integer', minimum: 0 },
                    max: { type: 'integer', default: 10 },
                    color: { type: 'string', enum: ['red', 'green', 'blue'], default: 'red' },
                    owner: { type: 'string', default: 'nobody' },
                    name: { type: 'string', pattern: '^[a-z]+$', maxLength: 8 },
                    parts: {
                      type: 'array',
                      'x-kubernetes-list-type': 'map',
                      'x-kubernetes-list-map-keys': ['name'],
                      items: {
                        type: 'object',
                        required: ['name'],
                        properties: {
                          name: { type: 'string' },
                          count: { type: 'integer', default: 1 },
                        },
                      },
                    },
                  },
                },
                status: {
                  type: 'object',
                  properties: { phase: { type: 'string' }, size: { type: 'integer' } },
                },
              },
            },
          },
        },
      ],
    },
  };
}

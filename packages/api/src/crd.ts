// Turns a KindDefinition into an apiextensions.k8s.io/v1 CustomResourceDefinition.
import { GROUP, VERSION, type KindDefinition } from './kinds';

/** A plain-JSON copy of a TypeBox schema (drops TypeBox's symbol-keyed metadata). */
function plainSchema(schema: unknown): Record<string, unknown> {
  return JSON.parse(JSON.stringify(schema)) as Record<string, unknown>;
}

export function customResourceDefinition(def: KindDefinition) {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: `${def.plural}.${GROUP}`,
      labels: { 'app.kubernetes.io/part-of': 'virtrigaud' },
    },
    spec: {
      group: GROUP,
      names: {
        kind: def.kind,
        listKind: `${def.kind}List`,
        plural: def.plural,
        singular: def.singular,
        shortNames: def.shortNames,
        categories: ['virtrigaud'],
      },
      scope: 'Namespaced',
      versions: [
        {
          name: VERSION,
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: {
              type: 'object',
              description: `${def.kind} of ${GROUP}.`,
              required: ['spec'],
              properties: {
                apiVersion: { type: 'string', description: 'Versioned schema of this object.' },
                kind: { type: 'string', description: 'REST resource this object represents.' },
                metadata: { type: 'object' },
                spec: plainSchema(def.spec),
                status: plainSchema(def.status),
              },
            },
          },
          subresources: { status: {}, ...(def.scale ? { scale: def.scale } : {}) },
          additionalPrinterColumns: def.printerColumns,
        },
      ],
    },
  };
}

// Alternative representations a client may ask for in Accept: a Table (kubectl get) or
// PartialObjectMetadata (metadata-only clients).
import { defaultPrinter } from '../api/printers';
import type { ResourceType } from '../api/resource-type';
import type { StoredObject } from '../api/types';

export type Representation = 'object' | 'table' | 'metadata';

export function representationOf(accept: string | undefined): Representation {
  if (!accept) return 'object';
  const first = accept.split(',')[0];
  if (/as=Table/.test(first)) return 'table';
  if (/as=PartialObjectMetadata/.test(first)) return 'metadata';
  return 'object';
}

export function partialMetadata(object: StoredObject) {
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: object.metadata };
}

export function metadataList(items: StoredObject[], listMeta: Record<string, unknown>) {
  return {
    kind: 'PartialObjectMetadataList',
    apiVersion: 'meta.k8s.io/v1',
    metadata: listMeta,
    items: items.map(partialMetadata),
  };
}

export function table(
  type: ResourceType,
  objects: StoredObject[],
  includeObject: string | null,
  listMeta: Record<string, unknown> = {},
  withColumns = true,
) {
  const printer = type.printer ?? defaultPrinter;
  const now = Date.now();
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: listMeta,
    columnDefinitions: withColumns ? printer.columns : [],
    rows: objects.map((object) => ({
      cells: printer.cells(object, now),
      object:
        includeObject === 'None'
          ? undefined
          : includeObject === 'Object'
            ? object
            : partialMetadata(object),
    })),
  };
}

// The apiextensions.k8s.io/v1 CustomResourceDefinition resource: validation of the definition,
// and the status the real server reports once it serves the new resource (NamesAccepted,
// Established, acceptedNames, storedVersions).
import { timestamp } from '../api/objects';
import { printers } from '../api/printers';
import type { ResourceType, Strategy } from '../api/resource-type';
import type { StatusCause } from '../api/errors';
import { isPlainObject, type KubeObject } from '../api/types';
import { dnsLabel, invalidValue, required } from '../api/validation';
import { isValidJsonPath } from '../util/jsonpath';
import type { PrinterColumn } from './printer';
import type { Schema } from './schema';
import { schemaAdmissionErrors } from './schema-admission';
import { deepEqual } from '../util/deep-equal';

export const CRD_STORAGE_KEY = 'apiextensions.k8s.io/customresourcedefinitions';
export const CLEANUP_FINALIZER = 'customresourcecleanup.apiextensions.k8s.io';

export interface CrdVersion {
  name: string;
  served: boolean;
  storage: boolean;
  schema?: { openAPIV3Schema?: Schema };
  subresources?: {
    status?: object;
    scale?: { specReplicasPath: string; statusReplicasPath: string; labelSelectorPath?: string };
  };
  additionalPrinterColumns?: PrinterColumn[];
  selectableFields?: { jsonPath: string }[];
}

export interface CrdSpec {
  group: string;
  scope: 'Namespaced' | 'Cluster';
  names: {
    plural: string;
    singular?: string;
    kind: string;
    listKind?: string;
    shortNames?: string[];
    categories?: string[];
  };
  versions: CrdVersion[];
}

export interface Crd extends KubeObject {
  spec: CrdSpec;
}

function validateCrd(crd: Crd): StatusCause[] {
  const spec = crd.spec;
  if (!isPlainObject(spec)) return [required('spec')];
  const causes: StatusCause[] = [];
  const names = isPlainObject(spec.names) ? spec.names : ({} as CrdSpec['names']);
  if (!spec.group) causes.push(required('spec.group'));
  else if (!spec.group.includes('.'))
    causes.push(invalidValue('spec.group', spec.group, 'should be a domain with at least one dot'));
  if (!names.plural) causes.push(required('spec.names.plural'));
  else causes.push(...dnsLabel('spec.names.plural', names.plural));
  if (!names.kind) causes.push(required('spec.names.kind'));
  if (crd.metadata.name !== `${names.plural}.${spec.group}`) {
    causes.push(
      invalidValue('metadata.name', crd.metadata.name, 'must be spec.names.plural+"."+spec.group'),
    );
  }
  if (!['Namespaced', 'Cluster'].includes(spec.scope)) {
    causes.push({
      reason: 'FieldValueNotSupported',
      message: `Unsupported value: ${JSON.stringify(spec.scope)}: supported values: "Cluster", "Namespaced"`,
      field: 'spec.scope',
    });
  }
  const versions = Array.isArray(spec.versions) ? spec.versions : [];
  if (versions.length === 0) causes.push(required('spec.versions'));
  if (versions.length && versions.filter((v) => v.storage).length !== 1)
    causes.push(
      invalidValue(
        'spec.versions',
        versions.map((v) => v.name),
        'must have exactly one version marked as storage version',
      ),
    );
  // The real server validates its internal form, where one schema shared by every version is
  // `spec.validation`: errors name that path then.
  const shared = versions.every((v) => deepEqual(v.schema, versions[0].schema));
  versions.forEach((version, i) => {
    const schema = version.schema?.openAPIV3Schema;
    const at = `spec.versions[${i}]`;
    if (!schema) causes.push(required(`${at}.schema.openAPIV3Schema`));
    else if (!shared || i === 0)
      causes.push(
        ...schemaAdmissionErrors(
          schema,
          shared ? 'spec.validation.openAPIV3Schema' : `${at}.schema.openAPIV3Schema`,
        ),
      );
    (version.additionalPrinterColumns ?? []).forEach((c, j) => {
      if (!isValidJsonPath(c.jsonPath))
        causes.push(
          invalidValue(
            `${at}.additionalPrinterColumns[${j}].jsonPath`,
            c.jsonPath,
            'must be a simple json path',
          ),
        );
    });
  });
  return causes;
}

function condition(type: string, reason: string, message: string) {
  return { type, status: 'True', reason, message, lastTransitionTime: timestamp() };
}

export const crdStrategy: Strategy = {
  prepare(object, old) {
    const crd = object as Crd;
    if (!old)
      crd.metadata.finalizers = [
        ...new Set([...(crd.metadata.finalizers ?? []), CLEANUP_FINALIZER]),
      ];
    const spec = crd.spec;
    if (!isPlainObject(spec) || !isPlainObject(spec.names)) return;
    spec.names.singular ??= spec.names.kind?.toLowerCase();
    spec.names.listKind ??= `${spec.names.kind}List`;
    (spec as unknown as Record<string, unknown>).conversion ??= { strategy: 'None' };
    const storage = (spec.versions ?? []).find((v) => v.storage)?.name;
    const previous =
      (old?.status as { storedVersions?: string[]; conditions?: unknown[] } | undefined) ?? {};
    crd.status = {
      conditions: previous.conditions ?? [
        condition('NamesAccepted', 'NoConflicts', 'no conflicts found'),
        condition('Established', 'InitialNamesAccepted', 'the initial names have been accepted'),
      ],
      acceptedNames: spec.names,
      storedVersions: [
        ...new Set([...(previous.storedVersions ?? []), ...(storage ? [storage] : [])]),
      ],
    };
  },
  validate: (object) => validateCrd(object as Crd),
};

export const crdType: ResourceType = {
  group: 'apiextensions.k8s.io',
  version: 'v1',
  resource: 'customresourcedefinitions',
  singular: 'customresourcedefinition',
  kind: 'CustomResourceDefinition',
  listKind: 'CustomResourceDefinitionList',
  namespaced: false,
  shortNames: ['crd', 'crds'],
  categories: ['api-extensions'],
  storageVersion: 'v1',
  storageKey: CRD_STORAGE_KEY,
  statusSubresource: true,
  generation: true,
  strategicMerge: false,
  fieldSelectors: [],
  printer: printers[CRD_STORAGE_KEY],
  strategy: crdStrategy,
};

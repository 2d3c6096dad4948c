// The four VirtRigaud pickers of the "New virtual machine" template. Each lists objects from the
// backend, scoped to the cluster and namespace the user picked in the form (or fixed by the
// template), and - for class, image and network - to what the chosen Provider can use.
import type {
  ObjectRef,
  PickerQuery,
  ProviderSummary,
  VirtrigaudApi,
  VmClassSummary,
  VmImageSummary,
  VmNetworkSummary,
} from '@virtrigaud/plugin-virtrigaud-common';

/**
 * `ui:options` of every picker. Cluster and namespace are fixed values, or else read from the
 * form fields named by `clusterField`/`namespaceField` (default `cluster`, `namespace`); the
 * Provider comes from the field named by `providerField` (default `provider`).
 */
export interface PickerUiOptions {
  cluster?: string;
  namespace?: string;
  clusterField?: string;
  namespaceField?: string;
  providerField?: string;
}

export interface PickerKind<T extends ObjectRef = ObjectRef> {
  /** The `ui:field` name templates use. */
  fieldName: string;
  /** What is picked, for labels and messages. */
  noun: string;
  /** Whether the list depends on the Provider chosen in another field. */
  scopedToProvider: boolean;
  list(api: VirtrigaudApi, query: PickerQuery): Promise<{ items: T[] }>;
  /** One line about an option, shown under its name. */
  describe(item: T): string;
}

export const providerPicker: PickerKind<ProviderSummary> = {
  fieldName: 'VirtrigaudProviderPicker',
  noun: 'provider',
  scopedToProvider: false,
  list: async (api, query) =>
    api.listProviders({ cluster: query.cluster, namespace: query.namespace }),
  describe: (p) =>
    `${p.type} · ${p.health.level}${p.hypervisorConnected === false ? ' · hypervisor disconnected' : ''}`,
};

export const classPicker: PickerKind<VmClassSummary> = {
  fieldName: 'VirtrigaudClassPicker',
  noun: 'VM class',
  scopedToProvider: true,
  list: (api, query) => api.listClasses(query),
  describe: (c) =>
    [`${c.cpu} vCPU`, c.memory, c.diskSizeGiB ? `${c.diskSizeGiB} GiB disk` : undefined, c.firmware]
      .filter(Boolean)
      .join(' · '),
};

export const imagePicker: PickerKind<VmImageSummary> = {
  fieldName: 'VirtrigaudImagePicker',
  noun: 'image',
  scopedToProvider: true,
  list: (api, query) => api.listImages(query),
  describe: (i) => [i.osType, i.phase].filter(Boolean).join(' · ') || 'image',
};

export const networkPicker: PickerKind<VmNetworkSummary> = {
  fieldName: 'VirtrigaudNetworkPicker',
  noun: 'network',
  scopedToProvider: true,
  list: (api, query) => api.listNetworks(query),
  describe: (n) => (n.ipAllocation ? `IP allocation: ${n.ipAllocation}` : 'network attachment'),
};

/** Reads a form value by field name; dotted names reach into nested objects. */
function formValue(formData: unknown, field: string): string | undefined {
  let value: unknown = formData;
  for (const part of field.split('.')) {
    value =
      value && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined;
  }
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The list query for a picker, from its options and the rest of the form. */
export function pickerQuery(
  kind: PickerKind,
  options: PickerUiOptions | undefined,
  formData: unknown,
): PickerQuery {
  return {
    cluster: options?.cluster ?? formValue(formData, options?.clusterField ?? 'cluster'),
    namespace: options?.namespace ?? formValue(formData, options?.namespaceField ?? 'namespace'),
    provider: kind.scopedToProvider
      ? formValue(formData, options?.providerField ?? 'provider')
      : undefined,
  };
}

const OBJECT_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Why picked names cannot be right (none: fine). Checks each name, then that it exists. */
export async function validatePick(
  kind: PickerKind,
  value: string | string[] | undefined,
  query: PickerQuery,
  api: VirtrigaudApi | undefined,
): Promise<string[]> {
  const names = Array.isArray(value) ? value : value ? [value] : []; // "required" is the form's job
  const malformed = names.filter((name) => name.length > 253 || !OBJECT_NAME.test(name));
  if (malformed.length) {
    return malformed.map(
      (name) =>
        `"${name}" is not a valid ${kind.noun} name: use lowercase letters, digits, "-" and ".", starting and ending with a letter or digit`,
    );
  }
  if (!names.length || !api || (kind.scopedToProvider && !query.provider)) return [];
  const { items } = await kind.list(api, query);
  const where = query.namespace ? ` in namespace ${query.namespace}` : '';
  const usable = kind.scopedToProvider ? ` usable by provider ${query.provider}` : '';
  return names
    .filter((name) => !items.some((item) => item.name === name))
    .map((name) => `There is no ${kind.noun} "${name}"${usable}${where}; pick one from the list`);
}

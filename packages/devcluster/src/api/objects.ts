// The API server's semantics for every resource, independent of HTTP: what create, update, patch
// and delete do to metadata (uid, resourceVersion, generation, timestamps, finalizers), when they
// conflict, and which strategy validates them. The HTTP handlers and the in-process controllers
// (garbage collector, dev kubelet) both go through here, so they behave alike.
import { randomUUID } from 'node:crypto';
import type { Registry } from './registry';
import { apiVersionOf, type ResourceType } from './resource-type';
import {
  alreadyExists,
  badRequest,
  conflict,
  forbidden,
  invalid,
  notFound,
  staleResourceVersion,
  type StatusCause,
} from './errors';
import { isPlainObject, type KubeObject, type StoredObject } from './types';
import * as validation from './validation';
import type { Store } from '../store/store';
import {
  matchesFields,
  matchesRequirements,
  parseFieldSelector,
  parseLabelSelector,
  supportedFields,
} from '../store/selectors';
import { applyPatch, type PatchType } from '../patch/apply-patch';
import { clone, deepEqual } from '../util/deep-equal';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export interface WriteOptions {
  dryRun?: boolean;
  fieldValidation?: FieldValidation;
  /** Collects `Warning` headers for the response. */
  warnings?: string[];
}

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
}

export interface DeleteOptions {
  propagationPolicy?: 'Foreground' | 'Background' | 'Orphan';
  orphanDependents?: boolean;
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
}

export interface ListResult {
  items: StoredObject[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

/** Strategies for custom resources may report fields they pruned as unknown. */
export interface Pruning {
  prune(object: KubeObject): string[];
}

export const FOREGROUND = 'foregroundDeletion';
export const ORPHAN = 'orphan';
const NAME_SUFFIX_CHARS = 'bcdfghjklmnpqrstvwxz2456789';

export class Objects {
  constructor(
    readonly store: Store,
    readonly registry: Registry,
    private readonly pruning: (type: ResourceType) => Pruning | undefined = () => undefined,
  ) {}

  get(type: ResourceType, namespace: string | undefined, name: string): StoredObject {
    const object = this.store.get(type.storageKey, scoped(type, namespace), name);
    if (!object) throw notFound(type, name);
    return served(type, object);
  }

  find(type: ResourceType, namespace: string | undefined, name: string): StoredObject | undefined {
    const object = this.store.get(type.storageKey, scoped(type, namespace), name);
    return object && served(type, object);
  }

  /** A filter for list and watch: label and field selectors on the served form. */
  selector(type: ResourceType, options: ListOptions): (object: StoredObject) => boolean {
    const labels = parseLabelSelector(options.labelSelector);
    const fields = parseFieldSelector(
      options.fieldSelector,
      supportedFields(type.namespaced, type.fieldSelectors),
    );
    return (object) =>
      matchesRequirements(labels, object.metadata.labels ?? {}) && matchesFields(fields, object);
  }

  list(type: ResourceType, namespace: string | undefined, options: ListOptions = {}): ListResult {
    const matches = this.selector(type, options);
    const resourceVersion = String(this.store.revision);
    let items = this.store
      .list(type.storageKey, scoped(type, namespace))
      .map((o) => served(type, o))
      .filter(matches);
    if (options.continue) {
      const after = decodeContinue(options.continue);
      items = items.filter((o) => `${o.metadata.namespace ?? ''}/${o.metadata.name}` > after);
    }
    if (!options.limit || items.length <= options.limit) return { items, resourceVersion };
    const page = items.slice(0, options.limit);
    const last = page[page.length - 1].metadata;
    // The real server counts the rest only when no selector filters it (etcd counts keys).
    const filtered = Boolean(options.labelSelector || options.fieldSelector);
    return {
      items: page,
      resourceVersion,
      continue: Buffer.from(
        JSON.stringify({ v: 'devcluster/v1', after: `${last.namespace ?? ''}/${last.name}` }),
      ).toString('base64url'),
      ...(filtered ? {} : { remainingItemCount: items.length - page.length }),
    };
  }

  create(
    type: ResourceType,
    namespace: string | undefined,
    body: unknown,
    options: WriteOptions = {},
  ): StoredObject {
    const object = this.checkBody(type, namespace, body);
    const meta = object.metadata;
    if (!meta.name && meta.generateName) meta.name = meta.generateName + randomSuffix();
    this.checkNamespaceWritable(type, meta.namespace, meta.name ?? '');
    for (const field of [
      'uid',
      'resourceVersion',
      'deletionTimestamp',
      'deletionGracePeriodSeconds',
      'generation',
      'creationTimestamp',
      'managedFields',
      'selfLink',
    ])
      delete meta[field];
    // Status is the controllers' to write, through the status subresource.
    if (type.statusSubresource) delete object.status;
    this.admit(type, object, undefined, options);
    if (this.store.get(type.storageKey, meta.namespace, meta.name!))
      throw alreadyExists(type, meta.name!);
    const stored: StoredObject = {
      ...object,
      metadata: {
        ...meta,
        name: meta.name!,
        uid: randomUUID(),
        resourceVersion: '',
        creationTimestamp: timestamp(),
        ...(type.generation ? { generation: 1 } : {}),
      },
    };
    if (options.dryRun) return stored;
    return served(type, this.store.put(type.storageKey, toStorage(type, stored) as StoredObject));
  }

  /** PUT: replaces the object (or only its status), guarded by metadata.resourceVersion. */
  update(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    body: unknown,
    options: WriteOptions = {},
    subresource?: 'status',
  ): StoredObject {
    const current = this.get(type, namespace, name);
    const incoming = this.checkBody(type, namespace, body);
    if (incoming.metadata.name !== name) {
      throw badRequest(
        `the name of the object (${incoming.metadata.name ?? ''}) does not match the name on the URL (${name})`,
      );
    }
    const expected = incoming.metadata.resourceVersion;
    if (expected && expected !== current.metadata.resourceVersion)
      throw staleResourceVersion(type, name);
    // A uid in the body is a precondition, checked by the storage layer as on the real server.
    const uid = incoming.metadata.uid;
    if (uid && uid !== current.metadata.uid) {
      const key = [type.crdName ? type.group : '', type.resource, namespace, name].filter(Boolean);
      throw conflict(
        type,
        name,
        `StorageError: invalid object, Code: 4, Key: /registry/${key.join('/')}, ResourceVersion: 0, AdditionalErrorMsg: Precondition failed: UID in precondition: ${uid}, UID in object meta: ${current.metadata.uid}`,
      );
    }
    const next =
      subresource === 'status'
        ? withStatusOf(current, incoming)
        : this.mergeImmutable(type, current, incoming);
    return this.commitUpdate(type, current, next, options);
  }

  patch(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    patchType: PatchType,
    patch: unknown,
    options: WriteOptions & { fieldManager?: string } = {},
    subresource?: 'status',
  ): StoredObject {
    const current = this.find(type, namespace, name);
    if (!current) {
      if (patchType !== 'apply') throw notFound(type, name);
      return this.create(
        type,
        namespace,
        applyPatch(
          type,
          'apply',
          { apiVersion: apiVersionOf(type), kind: type.kind, metadata: { name } },
          patch,
        ),
        options,
      );
    }
    const patched = applyPatch(type, patchType, clone(current), patch) as KubeObject;
    if (!isPlainObject(patched.metadata)) throw badRequest('metadata must be an object');
    patched.metadata.name ??= name;
    patched.metadata.resourceVersion ??= current.metadata.resourceVersion;
    if (patched.metadata.name !== name)
      throw badRequest(
        `the name of the object (${patched.metadata.name}) does not match the name on the URL (${name})`,
      );
    return this.update(type, namespace, name, patched, options, subresource);
  }

  delete(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    deleteOptions: DeleteOptions = {},
    options: WriteOptions = {},
  ): { object: StoredObject; deleted: boolean } {
    const current = this.get(type, namespace, name);
    const { preconditions } = deleteOptions;
    if (preconditions?.uid && preconditions.uid !== current.metadata.uid) {
      throw conflict(
        type,
        name,
        `Precondition failed: UID in precondition: ${preconditions.uid}, UID in object meta: ${current.metadata.uid}`,
      );
    }
    if (
      preconditions?.resourceVersion &&
      preconditions.resourceVersion !== current.metadata.resourceVersion
    ) {
      throw conflict(
        type,
        name,
        `Precondition failed: ResourceVersion in precondition: ${preconditions.resourceVersion}, ResourceVersion in object meta: ${current.metadata.resourceVersion}`,
      );
    }
    const finalizers = [...(current.metadata.finalizers ?? [])];
    const policy =
      deleteOptions.propagationPolicy ?? (deleteOptions.orphanDependents ? 'Orphan' : undefined);
    if (policy === 'Foreground' && !finalizers.includes(FOREGROUND)) finalizers.push(FOREGROUND);
    if (policy === 'Orphan' && !finalizers.includes(ORPHAN)) finalizers.push(ORPHAN);
    const grace =
      type.strategy?.gracePeriodSeconds?.(current, deleteOptions.gracePeriodSeconds) ?? 0;
    const terminating: StoredObject = {
      ...current,
      metadata: {
        ...current.metadata,
        finalizers: finalizers.length ? finalizers : undefined,
        deletionTimestamp: current.metadata.deletionTimestamp ?? timestamp(grace * 1000),
        deletionGracePeriodSeconds: Math.min(
          grace,
          current.metadata.deletionGracePeriodSeconds ?? grace,
        ),
        ...(type.generation && !current.metadata.deletionTimestamp
          ? { generation: (current.metadata.generation ?? 1) + 1 }
          : {}),
      },
    };
    if (!terminating.metadata.finalizers) delete terminating.metadata.finalizers;
    if (canGo(type, terminating)) {
      if (options.dryRun) return { object: current, deleted: true };
      return {
        object: served(
          type,
          this.store.remove(type.storageKey, toStorage(type, current) as StoredObject),
        ),
        deleted: true,
      };
    }
    if (deepEqual(terminating, current)) return { object: current, deleted: false };
    if (options.dryRun) return { object: terminating, deleted: false };
    return {
      object: served(
        type,
        this.store.put(type.storageKey, toStorage(type, terminating) as StoredObject),
      ),
      deleted: false,
    };
  }

  /**
   * Removes an object whose graceful deletion has finished (the kubelet's final delete of a pod),
   * unless finalizers still hold it.
   */
  finishGracefulDeletion(type: ResourceType, object: StoredObject): void {
    const current = this.store.get(
      type.storageKey,
      object.metadata.namespace,
      object.metadata.name,
    );
    if (
      !current ||
      current.metadata.uid !== object.metadata.uid ||
      !current.metadata.deletionTimestamp
    )
      return;
    const finished: StoredObject = {
      ...current,
      metadata: { ...current.metadata, deletionGracePeriodSeconds: 0 },
    };
    if (canGo(type, finished)) this.store.remove(type.storageKey, finished);
    else this.store.put(type.storageKey, finished);
  }

  private commitUpdate(
    type: ResourceType,
    current: StoredObject,
    next: KubeObject,
    options: WriteOptions,
  ): StoredObject {
    const meta = next.metadata;
    if (current.metadata.deletionTimestamp) {
      const added = (meta.finalizers ?? []).filter(
        (f) => !(current.metadata.finalizers ?? []).includes(f),
      );
      if (added.length) {
        throw invalid(type.kind, type.group, current.metadata.name, [
          validation.forbiddenField(
            'metadata.finalizers',
            `no new finalizers can be added if the object is being deleted, found new finalizers ${JSON.stringify(added)}`,
          ),
        ]);
      }
    }
    this.admit(type, next, current, options);
    if (type.generation && specChanged(type, current, next))
      meta.generation = (current.metadata.generation ?? 1) + 1;
    const candidate = {
      ...next,
      metadata: { ...meta, resourceVersion: current.metadata.resourceVersion },
    } as StoredObject;
    if (!meta.finalizers?.length) delete candidate.metadata.finalizers;
    if (deepEqual(candidate, current)) return current;
    if (options.dryRun) return candidate;
    if (current.metadata.deletionTimestamp && canGo(type, candidate))
      return served(
        type,
        this.store.remove(type.storageKey, toStorage(type, candidate) as StoredObject),
      );
    return served(
      type,
      this.store.put(type.storageKey, toStorage(type, candidate) as StoredObject),
    );
  }

  /** Validation shared by create and update: metadata, the kind's strategy, unknown fields. */
  private admit(
    type: ResourceType,
    object: KubeObject,
    old: StoredObject | undefined,
    options: WriteOptions,
  ): void {
    const unknown = this.pruning(type)?.prune(object) ?? [];
    if (unknown.length && options.fieldValidation === 'Strict') {
      throw badRequest(
        `strict decoding error: ${unknown.map((f) => `unknown field "${f}"`).join(', ')}`,
      );
    }
    if (unknown.length && options.fieldValidation !== 'Ignore')
      options.warnings?.push(...unknown.map((f) => `unknown field "${f}"`));
    type.strategy?.prepare?.(object, old);
    const causes: StatusCause[] = [
      ...validateMetadata(type, object),
      ...(type.strategy?.validate?.(object, old) ?? []),
    ];
    if (causes.length) throw invalid(type.kind, type.group, object.metadata.name ?? '', causes);
  }

  private checkBody(type: ResourceType, namespace: string | undefined, body: unknown): KubeObject {
    if (!isPlainObject(body)) throw badRequest('the body of the request must be a JSON object');
    const object = clone(body) as KubeObject;
    const apiVersion = apiVersionOf(type);
    if (object.apiVersion !== undefined && object.apiVersion !== apiVersion) {
      throw badRequest(
        `the API version in the data (${String(object.apiVersion)}) does not match the expected API version (${apiVersion})`,
      );
    }
    if (object.kind !== undefined && object.kind !== type.kind) {
      throw badRequest(
        `the kind in the data (${String(object.kind)}) does not match the expected kind (${type.kind})`,
      );
    }
    object.apiVersion = apiVersion;
    object.kind = type.kind;
    if (!isPlainObject(object.metadata)) object.metadata = {};
    if (type.namespaced) {
      if (object.metadata.namespace && object.metadata.namespace !== namespace) {
        throw badRequest(
          'the namespace of the provided object does not match the namespace sent on the request',
        );
      }
      object.metadata.namespace = namespace;
    } else delete object.metadata.namespace;
    return object;
  }

  private checkNamespaceWritable(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
  ): void {
    if (!type.namespaced || namespace === undefined) return;
    const ns = this.store.get('/namespaces', undefined, namespace);
    const namespaces = { resource: 'namespaces', group: '' };
    if (!ns) throw notFound(namespaces, namespace);
    if (ns.metadata.deletionTimestamp) {
      throw forbidden(
        type,
        name,
        `unable to create new content in namespace ${namespace} because it is being terminated`,
      );
    }
  }

  /** The fields a main-resource update may not change are carried over from the current object. */
  private mergeImmutable(
    type: ResourceType,
    current: StoredObject,
    incoming: KubeObject,
  ): KubeObject {
    const meta = incoming.metadata;
    const keep = current.metadata;
    const next: KubeObject = {
      ...incoming,
      metadata: {
        ...meta,
        uid: keep.uid,
        creationTimestamp: keep.creationTimestamp,
        deletionTimestamp: keep.deletionTimestamp,
        deletionGracePeriodSeconds: keep.deletionGracePeriodSeconds,
        generation: keep.generation,
        namespace: keep.namespace,
      },
    };
    for (const field of [
      'deletionTimestamp',
      'deletionGracePeriodSeconds',
      'generation',
      'managedFields',
      'selfLink',
    ] as const) {
      if (next.metadata[field] === undefined) delete next.metadata[field];
    }
    if (type.statusSubresource) {
      if (current.status === undefined) delete next.status;
      else next.status = current.status;
    }
    return next;
  }
}

function validateMetadata(type: ResourceType, object: KubeObject): StatusCause[] {
  const meta = object.metadata;
  if (!meta.name)
    return [validation.required('metadata.name')].map((c) => ({
      ...c,
      message: 'Required value: name or generateName is required',
    }));
  return [
    ...(type.resource === 'namespaces' ? [] : validation.dnsSubdomain('metadata.name', meta.name)),
    ...validation.labels('metadata.labels', meta.labels),
    ...validation.annotations('metadata.annotations', meta.annotations),
  ];
}

/** A terminating object goes once no finalizer and no controller (kubelet, namespace) holds it. */
function canGo(type: ResourceType, object: KubeObject): boolean {
  return (
    !object.metadata.finalizers?.length &&
    !object.metadata.deletionGracePeriodSeconds &&
    !type.strategy?.deletionBlocked?.(object)
  );
}

function withStatusOf(current: StoredObject, incoming: KubeObject): KubeObject {
  const next: KubeObject = clone(current);
  if (incoming.status === undefined) delete next.status;
  else next.status = incoming.status;
  return next;
}

/** Everything but metadata and (when it has its own endpoint) status counts as spec. */
function specChanged(type: ResourceType, current: KubeObject, next: KubeObject): boolean {
  const strip = ({ metadata: _m, status, apiVersion: _a, kind: _k, ...rest }: KubeObject) =>
    type.statusSubresource ? rest : { ...rest, status };
  return !deepEqual(strip(current), strip(next));
}

function scoped(type: ResourceType, namespace: string | undefined): string | undefined {
  return type.namespaced ? namespace : undefined;
}

export function served(type: ResourceType, object: StoredObject): StoredObject {
  if (type.conversion) return type.conversion.fromStorage(object);
  const apiVersion = apiVersionOf(type);
  return object.apiVersion === apiVersion ? object : { ...object, apiVersion };
}

function toStorage(type: ResourceType, object: KubeObject): KubeObject {
  if (type.conversion) return type.conversion.toStorage(object);
  return {
    ...object,
    apiVersion: apiVersionOf({ group: type.group, version: type.storageVersion }),
  };
}

function decodeContinue(token: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as {
      after?: unknown;
    };
    if (typeof parsed.after === 'string') return parsed.after;
  } catch {
    // fall through to the error below
  }
  throw badRequest(
    'continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)',
  );
}

function randomSuffix(): string {
  let suffix = '';
  for (let i = 0; i < 5; i++)
    suffix += NAME_SUFFIX_CHARS[Math.floor(Math.random() * NAME_SUFFIX_CHARS.length)];
  return suffix;
}

export function timestamp(offsetMs = 0): string {
  return new Date(Math.floor((Date.now() + offsetMs) / 1000) * 1000)
    .toISOString()
    .replace('.000Z', 'Z');
}

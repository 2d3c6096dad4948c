// What the server knows about one kind of resource: its names (for discovery and errors), its
// scope, which subresources it has, and how it behaves (defaulting, validation, printing).
import type { StatusCause } from './errors';
import type { KubeObject, StoredObject } from './types';

export interface ColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

export interface Printer {
  columns: ColumnDefinition[];
  cells(object: KubeObject, now: number): unknown[];
}

export interface ScaleSubresource {
  specReplicasPath: string;
  statusReplicasPath: string;
  labelSelectorPath?: string;
}

/** Per-kind admission: runs on every create/update before the object is stored. */
export interface Strategy {
  /** Fills in defaults; may rewrite fields (e.g. Secret stringData into data). */
  prepare?(object: KubeObject, old: StoredObject | undefined): void;
  /** Returns field errors; an empty list admits the object. */
  validate?(object: KubeObject, old: StoredObject | undefined): StatusCause[];
  /** Seconds of graceful deletion (a pod's), or 0 to delete at once. */
  gracePeriodSeconds?(object: StoredObject, requested: number | undefined): number;
  /** True while a controller still has to act before a terminating object may go. */
  deletionBlocked?(object: KubeObject): boolean;
}

/** Converts between the stored form and one served version (e.g. core/v1 Event <-> events.k8s.io/v1). */
export interface Conversion {
  toStorage(object: KubeObject): KubeObject;
  fromStorage(object: StoredObject): StoredObject;
}

export interface ResourceType {
  group: string;
  version: string;
  resource: string;
  singular: string;
  kind: string;
  listKind: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  /** Other versions of this group serving the same objects (for discovery and conversion). */
  storageVersion: string;
  /** Where objects live in the store; types sharing it see the same objects. */
  storageKey: string;
  statusSubresource: boolean;
  scale?: ScaleSubresource;
  /** Whether the server maintains metadata.generation (bumped on spec changes). */
  generation: boolean;
  /** Built-ins accept strategic merge patches; custom resources do not. */
  strategicMerge: boolean;
  /** Field selectors beyond metadata.name / metadata.namespace. */
  fieldSelectors: string[];
  printer?: Printer;
  strategy?: Strategy;
  conversion?: Conversion;
  /** Set for custom resources: the CRD that defines them. */
  crdName?: string;
}

export function apiVersionOf(type: Pick<ResourceType, 'group' | 'version'>): string {
  return type.group ? `${type.group}/${type.version}` : type.version;
}

export function storageKeyOf(group: string, resource: string): string {
  return `${group}/${resource}`;
}

// Every resource the server serves, keyed by group/version/resource. Built-ins are added at start;
// custom resources come and go with their CustomResourceDefinitions.
import type { ResourceType } from './resource-type';

const gvrKey = (group: string, version: string, resource: string) =>
  `${group}/${version}/${resource}`;

export class Registry {
  private readonly byGvr = new Map<string, ResourceType>();

  add(type: ResourceType): void {
    this.byGvr.set(gvrKey(type.group, type.version, type.resource), type);
  }

  remove(type: ResourceType): void {
    this.byGvr.delete(gvrKey(type.group, type.version, type.resource));
  }

  lookup(group: string, version: string, resource: string): ResourceType | undefined {
    return this.byGvr.get(gvrKey(group, version, resource));
  }

  all(): ResourceType[] {
    return [...this.byGvr.values()];
  }

  /** The types served under one group/version. */
  inGroupVersion(group: string, version: string): ResourceType[] {
    return this.all().filter((t) => t.group === group && t.version === version);
  }

  byKind(apiVersion: string, kind: string): ResourceType | undefined {
    const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
    return this.all().find((t) => t.group === group && t.version === version && t.kind === kind);
  }

  /** The type whose objects are stored under `storageKey` in its storage version. */
  storageType(storageKey: string): ResourceType | undefined {
    return this.all().find(
      (t) => t.storageKey === storageKey && t.version === t.storageVersion && !t.conversion,
    );
  }

  /** All types for custom resources of one CRD. */
  ofCrd(crdName: string): ResourceType[] {
    return this.all().filter((t) => t.crdName === crdName);
  }
}

// Serves custom resources while their CRD exists: registers one resource type per served version
// when a CRD is stored, replaces them when it changes, and on deletion removes every custom
// object before releasing the CRD's cleanup finalizer (as the real apiextensions controller).
import type { Objects, Pruning } from '../api/objects';
import { storageKeyOf, type ResourceType } from '../api/resource-type';
import type { StoreEvent } from '../store/store';
import { customResourceStrategy } from './custom-resource-strategy';
import { CLEANUP_FINALIZER, CRD_STORAGE_KEY, crdType, type Crd } from './crd-type';
import { crdPrinter } from './printer';
import type { Schema } from './schema';

export class CrdRegistrar {
  private readonly schemas = new Map<ResourceType, Schema>();
  private readonly strategies = new Map<ResourceType, Pruning>();
  private readonly unsubscribe: () => void;
  /** Storage keys of CRDs being deleted whose objects still have finalizers. */
  private readonly terminating = new Map<string, Crd>();

  constructor(private readonly objects: Objects) {
    objects.registry.add(crdType);
    for (const crd of objects.store.list(CRD_STORAGE_KEY)) this.onChange(crd as unknown as Crd);
    this.unsubscribe = objects.store.subscribe((event) => this.onEvent(event));
  }

  schemaOf(type: ResourceType): Schema | undefined {
    return this.schemas.get(type);
  }

  pruningOf(type: ResourceType): Pruning | undefined {
    return this.strategies.get(type);
  }

  close(): void {
    this.unsubscribe();
  }

  private onEvent(event: StoreEvent): void {
    const waiting = this.terminating.get(event.storageKey);
    if (waiting && event.type === 'DELETED') setImmediate(() => this.cleanUp(waiting));
    if (event.storageKey !== CRD_STORAGE_KEY) return;
    const crd = event.object as unknown as Crd;
    if (event.type === 'DELETED') this.unregister(crd.metadata.name!);
    else this.onChange(crd);
  }

  private onChange(crd: Crd): void {
    if (crd.metadata.deletionTimestamp) {
      // Writes from a store listener must not interleave with the write being reported.
      setImmediate(() => this.cleanUp(crd));
      return;
    }
    this.unregister(crd.metadata.name!);
    const { group, names, scope, versions } = crd.spec;
    const storageVersion = versions.find((v) => v.storage)?.name ?? versions[0].name;
    for (const version of versions.filter((v) => v.served)) {
      const schema = version.schema?.openAPIV3Schema ?? {
        type: 'object',
        'x-kubernetes-preserve-unknown-fields': true,
      };
      const strategy = customResourceStrategy(schema);
      const type: ResourceType = {
        group,
        version: version.name,
        resource: names.plural,
        singular: names.singular ?? names.kind.toLowerCase(),
        kind: names.kind,
        listKind: names.listKind ?? `${names.kind}List`,
        namespaced: scope === 'Namespaced',
        shortNames: names.shortNames ?? [],
        categories: names.categories ?? [],
        storageVersion,
        storageKey: storageKeyOf(group, names.plural),
        statusSubresource: version.subresources?.status !== undefined,
        scale: version.subresources?.scale,
        generation: true,
        strategicMerge: false,
        fieldSelectors: (version.selectableFields ?? []).map((f) => f.jsonPath.replace(/^\./, '')),
        printer: crdPrinter(version.additionalPrinterColumns),
        strategy,
        crdName: crd.metadata.name,
      };
      this.objects.registry.add(type);
      this.schemas.set(type, schema);
      this.strategies.set(type, strategy);
    }
  }

  private unregister(crdName: string): void {
    for (const type of this.objects.registry.ofCrd(crdName)) {
      this.objects.registry.remove(type);
      this.schemas.delete(type);
      this.strategies.delete(type);
    }
  }

  /** Deletes the CRD's objects (honouring their finalizers); releases the CRD once none is left. */
  private cleanUp(crd: Crd): void {
    const current = this.objects.find(crdType, undefined, crd.metadata.name!);
    if (!current || !current.metadata.finalizers?.includes(CLEANUP_FINALIZER)) return;
    const spec = (current as unknown as Crd).spec;
    const storageKey = storageKeyOf(spec.group, spec.names.plural);
    const type = this.objects.registry.storageType(storageKey);
    const remaining = this.objects.store.list(storageKey);
    if (type)
      for (const object of remaining)
        this.objects.delete(type, object.metadata.namespace, object.metadata.name);
    if (this.objects.store.list(storageKey).length > 0) {
      this.terminating.set(storageKey, crd);
      return;
    }
    this.terminating.delete(storageKey);
    this.unregister(crd.metadata.name!);
    const finalizers = current.metadata.finalizers.filter((f) => f !== CLEANUP_FINALIZER);
    this.objects.update(crdType, undefined, current.metadata.name, {
      ...current,
      metadata: { ...current.metadata, finalizers },
    });
  }
}

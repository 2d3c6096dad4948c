// Emits a Resource entity per VirtualMachine and per Provider of every cluster. One full
// mutation when the caches are first synced (it also removes entities of objects deleted while
// Backstage was down), then delta mutations from the informer change feed, coalesced over a short
// window and skipped when an object's entity did not change (e.g. a status-only metrics refresh).
import type { LoggerService } from '@backstage/backend-plugin-api';
import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import type { EntityProvider, EntityProviderConnection } from '@backstage/plugin-catalog-node';
import type { Inventory, InventoryChange } from '@virtrigaud/plugin-virtrigaud-backend';
import { locationOf, providerEntity, vmEntity, type EntityDefaults } from './entities';

const COALESCE_MS = 100;

export class VirtrigaudEntityProvider implements EntityProvider {
  private connection: EntityProviderConnection | undefined;
  /** What the catalog last got from us, by entity ref (JSON, to skip unchanged entities). */
  private readonly emitted = new Map<string, string>();
  private pending = new Map<string, Entity | undefined>();
  private flushTimer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly inventory: Inventory,
    private readonly defaults: EntityDefaults,
    private readonly logger: LoggerService,
  ) {}

  getProviderName(): string {
    return 'virtrigaud';
  }

  async connect(connection: EntityProviderConnection): Promise<void> {
    this.connection = connection;
    // Queue changes from now on; the full snapshot below already includes anything earlier.
    this.unsubscribe = this.inventory.subscribe((change) => this.onChange(change));
    void this.inventory.ready().then(() => this.sendFull());
  }

  close(): void {
    this.unsubscribe?.();
    clearTimeout(this.flushTimer);
  }

  private entityOf(change: InventoryChange): Entity {
    return change.kind === 'VirtualMachine'
      ? vmEntity(change.cluster, change.object, this.defaults)
      : providerEntity(change.cluster, change.object, this.defaults);
  }

  private async sendFull(): Promise<void> {
    const entities: Entity[] = [];
    for (const cache of this.inventory.clusters()) {
      for (const vm of cache.vms.list()) entities.push(vmEntity(cache.name, vm, this.defaults));
      for (const p of cache.providers.list())
        entities.push(providerEntity(cache.name, p, this.defaults));
    }
    this.emitted.clear();
    for (const entity of entities)
      this.emitted.set(stringifyEntityRef(entity), JSON.stringify(entity));
    this.pending.clear();
    await this.connection!.applyMutation({
      type: 'full',
      entities: entities.map((entity) => ({ entity, locationKey: locationKeyOf(entity) })),
    });
    this.logger.info(`virtrigaud: ${entities.length} entities in the catalog`);
  }

  private onChange(change: InventoryChange): void {
    const entity = this.entityOf(change);
    this.pending.set(stringifyEntityRef(entity), change.type === 'delete' ? undefined : entity);
    this.flushTimer ??= setTimeout(() => void this.flush(), COALESCE_MS);
  }

  private async flush(): Promise<void> {
    this.flushTimer = undefined;
    const batch = this.pending;
    this.pending = new Map();
    const added: Entity[] = [];
    const removed: string[] = [];
    for (const [ref, entity] of batch) {
      if (!entity) {
        if (this.emitted.delete(ref)) removed.push(ref);
        continue;
      }
      const json = JSON.stringify(entity);
      if (this.emitted.get(ref) === json) continue;
      this.emitted.set(ref, json);
      added.push(entity);
    }
    if (!added.length && !removed.length) return;
    try {
      await this.connection!.applyMutation({
        type: 'delta',
        added: added.map((entity) => ({ entity, locationKey: locationKeyOf(entity) })),
        removed: removed.map((entityRef) => ({ entityRef })),
      });
    } catch (err) {
      // Forget what we thought we sent, so the next change of these objects is emitted again.
      for (const entity of added) this.emitted.delete(stringifyEntityRef(entity));
      this.logger.error(`virtrigaud: catalog delta failed: ${err}`);
    }
  }
}

function locationKeyOf(entity: Entity): string {
  return locationOf(entity.metadata.annotations!['virtrigaud.io/cluster']);
}

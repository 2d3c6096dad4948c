// Where a new VM goes: datacenter, folder, resource pool, host and datastore, from the request's
// placement and then the Provider defaults, resolved to morefs through inventory paths. Resolved
// paths are cached for a while (creates of a VMSet hit the same paths again and again) and the
// cache is dropped when vCenter says an object is gone.
import { invalidArgument, type VMPlacement } from '@virtrigaud/provider-sdk';
import type { Vim25Client } from '../vim25/client';
import { findByInventoryPath } from '../vim25/inventory';
import type { MoRef } from '../vim25/moref';
import { InventoryViews, retrieveOne } from '../vim25/properties';
import { moref, morefList, text } from '../vim25/xml';
import type { Defaults } from './config';

export interface Placement {
  datacenter: string;
  folder: MoRef;
  pool: MoRef;
  host?: MoRef;
  datastore: { name: string; ref: MoRef };
}

const CACHE_TTL_MS = 5 * 60_000;

type PlacementField = keyof Defaults;

export class PlacementResolver {
  private readonly cache = new Map<string, { ref: MoRef; expires: number }>();
  private readonly resolved = new Map<string, { placement: Placement; expires: number }>();

  constructor(
    private readonly client: Vim25Client,
    private readonly views: InventoryViews,
    private readonly defaults: Defaults,
  ) {}

  forget(): void {
    this.cache.clear();
    this.resolved.clear();
  }

  /** The placement for a request; whole answers are cached like single paths. */
  async resolve(placement: VMPlacement, field: string, signal?: AbortSignal): Promise<Placement> {
    const key = JSON.stringify([placement, field]);
    const cached = this.resolved.get(key);
    if (cached && cached.expires > Date.now()) return cached.placement;
    const fresh = await this.resolveUncached(placement, field, signal);
    this.resolved.set(key, { placement: fresh, expires: Date.now() + CACHE_TTL_MS });
    return fresh;
  }

  private async resolveUncached(
    placement: VMPlacement,
    field: string,
    signal?: AbortSignal,
  ): Promise<Placement> {
    const pick = (key: PlacementField) => {
      const fromRequest = placement[key];
      if (fromRequest) return { value: fromRequest, field: `${field}.${key}` };
      const fromDefaults = this.defaults[key];
      return fromDefaults ? { value: fromDefaults, field: `defaults.${key}` } : undefined;
    };
    const datacenter = await this.datacenter(pick('datacenter'), field, signal);
    const folderChoice = pick('folder');
    const folder = await this.lookup(
      folderChoice ? this.path(datacenter, 'vm', folderChoice.value) : `${datacenter}/vm`,
      folderChoice?.field ?? `${field}.folder`,
      signal,
    );
    const cluster = pick('cluster');
    const hostChoice = pick('host');
    const host = hostChoice
      ? await this.lookup(
          cluster
            ? this.path(datacenter, 'host', `${cluster.value}/${hostChoice.value}`)
            : this.path(datacenter, 'host', `${hostChoice.value}/${hostChoice.value}`),
          hostChoice.field,
          signal,
        )
      : undefined;
    const pool = await this.pool(datacenter, pick('resourcePool'), cluster, host, field, signal);
    const datastore = await this.datastore(datacenter, pick('datastore'), pool, field, signal);
    return { datacenter, folder, pool, host, datastore };
  }

  /** A port group (standard or distributed) of the datacenter, by name or inventory path. */
  network(datacenter: string, portgroup: string, field: string, signal?: AbortSignal) {
    return this.lookup(this.path(datacenter, 'network', portgroup), field, signal);
  }

  /** A datastore of the datacenter by name. */
  datastoreByName(datacenter: string, name: string, field: string, signal?: AbortSignal) {
    return this.lookup(this.path(datacenter, 'datastore', name), field, signal);
  }

  /** `name` under the datacenter's `kind` folder, or an absolute inventory path ("/DC/vm/x"). */
  path(datacenter: string, kind: 'vm' | 'host' | 'datastore' | 'network', name: string): string {
    return name.startsWith('/') ? name.slice(1) : `${datacenter}/${kind}/${name}`;
  }

  async lookup(inventoryPath: string, field: string, signal?: AbortSignal): Promise<MoRef> {
    const cached = this.cache.get(inventoryPath);
    if (cached && cached.expires > Date.now()) return cached.ref;
    const ref = await findByInventoryPath(this.client, inventoryPath, signal);
    if (!ref) throw invalidArgument(field, `no inventory object at "${inventoryPath}"`);
    this.cache.set(inventoryPath, { ref, expires: Date.now() + CACHE_TTL_MS });
    return ref;
  }

  private async datacenter(
    choice: { value: string; field: string } | undefined,
    field: string,
    signal?: AbortSignal,
  ): Promise<string> {
    if (choice) {
      await this.lookup(choice.value.replace(/^\//, ''), choice.field, signal);
      return choice.value.replace(/^\//, '');
    }
    const all = await this.views.retrieveAll('Datacenter', ['name'], signal);
    const [only] = all;
    if (all.length !== 1 || !only) {
      throw invalidArgument(
        `${field}.datacenter`,
        `required: vCenter has ${all.length} datacenters (set placement or Provider defaults)`,
      );
    }
    return text(only.props.get('name'))!;
  }

  private async pool(
    datacenter: string,
    poolChoice: { value: string; field: string } | undefined,
    cluster: { value: string; field: string } | undefined,
    host: MoRef | undefined,
    field: string,
    signal?: AbortSignal,
  ): Promise<MoRef> {
    if (poolChoice) {
      const base = cluster ? `${cluster.value}/Resources/` : '';
      return this.lookup(
        this.path(datacenter, 'host', `${base}${poolChoice.value}`),
        poolChoice.field,
        signal,
      );
    }
    let computeResource: MoRef | undefined;
    if (cluster) {
      computeResource = await this.lookup(
        this.path(datacenter, 'host', cluster.value),
        cluster.field,
        signal,
      );
    } else if (host) {
      const hostProps = await retrieveOne(this.client, host, ['parent'], signal);
      computeResource = moref(hostProps.props.get('parent'));
    } else {
      computeResource = await this.onlyComputeResource(datacenter, field, signal);
    }
    const props = await retrieveOne(this.client, computeResource!, ['resourcePool'], signal);
    const pool = moref(props.props.get('resourcePool'));
    if (!pool) throw invalidArgument(`${field}.cluster`, 'compute resource has no resource pool');
    return pool;
  }

  private async onlyComputeResource(
    datacenter: string,
    field: string,
    signal?: AbortSignal,
  ): Promise<MoRef> {
    const hostFolder = await this.lookup(`${datacenter}/host`, `${field}.datacenter`, signal);
    const props = await retrieveOne(this.client, hostFolder, ['childEntity'], signal);
    const entities = morefList(props.props.get('childEntity')).filter((ref) =>
      ref.type.endsWith('ComputeResource'),
    );
    const [only] = entities;
    if (entities.length !== 1 || !only) {
      throw invalidArgument(
        `${field}.cluster`,
        `required: datacenter ${datacenter} has ${entities.length} clusters/hosts (set placement or Provider defaults)`,
      );
    }
    return only;
  }

  private async datastore(
    datacenter: string,
    choice: { value: string; field: string } | undefined,
    pool: MoRef,
    field: string,
    signal?: AbortSignal,
  ): Promise<{ name: string; ref: MoRef }> {
    if (choice) {
      const ref = await this.datastoreByName(datacenter, choice.value, choice.field, signal);
      return { name: choice.value.replace(/^.*\//, ''), ref };
    }
    const poolProps = await retrieveOne(this.client, pool, ['owner'], signal);
    const owner = moref(poolProps.props.get('owner'))!;
    const ownerProps = await retrieveOne(this.client, owner, ['datastore'], signal);
    const datastores = morefList(ownerProps.props.get('datastore'));
    const [only] = datastores;
    if (datastores.length !== 1 || !only) {
      throw invalidArgument(
        `${field}.datastore`,
        `required: the compute resource sees ${datastores.length} datastores (set placement or Provider defaults)`,
      );
    }
    const nameProps = await retrieveOne(this.client, only, ['name'], signal);
    return { name: text(nameProps.props.get('name'))!, ref: only };
  }
}

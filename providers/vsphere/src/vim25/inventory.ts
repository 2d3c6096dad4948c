// SearchIndex lookups: inventory paths ("DC0/vm/folder/name") and VM instance UUIDs.
import type { Vim25Client } from './client';
import type { MoRef } from './moref';
import { moref } from './xml';

export async function findByInventoryPath(
  client: Vim25Client,
  inventoryPath: string,
  signal?: AbortSignal,
): Promise<MoRef | undefined> {
  const { searchIndex } = await client.serviceContent(signal);
  return moref(await client.invoke('FindByInventoryPath', searchIndex, { inventoryPath }, signal));
}

/** The VM whose vCenter instance UUID is `uuid` (an indexed lookup, cheap on large inventories). */
export async function findVmByInstanceUuid(
  client: Vim25Client,
  uuid: string,
  signal?: AbortSignal,
): Promise<MoRef | undefined> {
  const { searchIndex } = await client.serviceContent(signal);
  return moref(
    await client.invoke(
      'FindByUuid',
      searchIndex,
      { uuid, vmSearch: true, instanceUuid: true },
      signal,
    ),
  );
}

export async function findChild(
  client: Vim25Client,
  entity: MoRef,
  name: string,
  signal?: AbortSignal,
): Promise<MoRef | undefined> {
  const { searchIndex } = await client.serviceContent(signal);
  return moref(await client.invoke('FindChild', searchIndex, { entity, name }, signal));
}

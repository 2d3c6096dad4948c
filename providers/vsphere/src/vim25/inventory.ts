// SearchIndex lookups: inventory paths ("DC0/vm/folder/name") and VM instance UUIDs.
import type { Vim25Client } from './client';
import type { MoRef } from './moref';
import { moref, type SoapValue } from './xml';

export function findByInventoryPath(
  client: Vim25Client,
  inventoryPath: string,
  signal?: AbortSignal,
): Promise<MoRef | undefined> {
  return search(client, 'FindByInventoryPath', { inventoryPath }, signal);
}

/** The VM whose vCenter instance UUID is `uuid` (an indexed lookup, cheap on large inventories). */
export function findVmByInstanceUuid(
  client: Vim25Client,
  uuid: string,
  signal?: AbortSignal,
): Promise<MoRef | undefined> {
  return search(client, 'FindByUuid', { uuid, vmSearch: true, instanceUuid: true }, signal);
}

export function findChild(
  client: Vim25Client,
  entity: MoRef,
  name: string,
  signal?: AbortSignal,
): Promise<MoRef | undefined> {
  return search(client, 'FindChild', { entity, name }, signal);
}

/** One SearchIndex method: the object it finds, undefined when nothing matches. */
async function search(
  client: Vim25Client,
  method: string,
  args: Record<string, SoapValue>,
  signal?: AbortSignal,
): Promise<MoRef | undefined> {
  const { searchIndex } = await client.serviceContent(signal);
  return moref(await client.invoke(method, searchIndex, args, signal));
}

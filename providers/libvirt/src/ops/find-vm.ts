// Looking a VM up by id: ids are domain UUIDs of domains carrying the provider's metadata.
import { notFound } from '@virtrigaud/provider-sdk';
import type { LibvirtContext } from '../context';
import type { ParsedDomain } from '../domain/parse-domain-xml';
import { isVmId } from '../names';

export async function findVm(
  lv: LibvirtContext,
  id: string,
  signal?: AbortSignal,
  inactive = true,
): Promise<ParsedDomain | undefined> {
  if (!isVmId(id)) return undefined;
  const domain = await lv.domains.find(id, { inactive, signal });
  if (!domain?.metadata) return undefined;
  lv.managedIds.remember(domain.uuid);
  return domain;
}

export async function requireVm(
  lv: LibvirtContext,
  id: string,
  signal?: AbortSignal,
  inactive = true,
) {
  const domain = await findVm(lv, id, signal, inactive);
  if (!domain) throw vmNotFound(id);
  return domain;
}

/**
 * That `id` names a VM of this provider, for operations that act on it without needing its XML:
 * from what this process has seen (see managed-vm-ids.ts), else from one read of the domain.
 */
export async function requireManagedVm(
  lv: LibvirtContext,
  id: string,
  signal?: AbortSignal,
): Promise<void> {
  if (isVmId(id) && lv.managedIds.has(id)) return;
  await requireVm(lv, id, signal);
}

export function vmNotFound(id: string) {
  return notFound(`no VM with id ${id}`);
}

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
  return domain?.metadata ? domain : undefined;
}

export async function requireVm(
  lv: LibvirtContext,
  id: string,
  signal?: AbortSignal,
  inactive = true,
) {
  const domain = await findVm(lv, id, signal, inactive);
  if (!domain) throw notFound(`no VM with id ${id}`);
  return domain;
}

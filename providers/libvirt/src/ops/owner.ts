// Ownership checks shared by Create, Clone and Delete: a domain belongs to the owner uid in its
// metadata; domains without that metadata are never touched.
import { alreadyExists, failedPrecondition, type Owner } from '@virtrigaud/provider-sdk';
import type { LibvirtContext } from '../context';
import type { ParsedDomain } from '../domain/parse-domain-xml';

/**
 * Create/Clone: whether the owner's VM (domain `uuid`) exists already; ALREADY_EXISTS when `name`
 * is taken by another owner. One `virsh list` answers both for a new VM; only a name that is taken
 * costs a look at that domain's owner.
 */
export async function ownerVmExists(
  lv: LibvirtContext,
  uuid: string,
  name: string,
  ownerUid: string,
  signal?: AbortSignal,
): Promise<boolean> {
  const domains = await lv.domains.all(signal);
  if (domains.some((domain) => domain.uuid === uuid)) return true;
  if (domains.some((domain) => domain.name === name))
    checkNameFree(await lv.domains.find(name, { inactive: true, signal }), name, ownerUid);
  return false;
}

/** A domain that already has the wanted name must be this owner's. */
function checkNameFree(existing: ParsedDomain | undefined, name: string, uid: string): void {
  if (!existing) return;
  if (existing.metadata?.owner.uid !== uid)
    throw alreadyExists(`a domain named ${name} already exists and belongs to another owner`);
}

/** Delete: refuse a domain stamped with another owner. */
export function checkOwner(domain: ParsedDomain, owner: Owner | undefined): void {
  if (!owner?.uid) return;
  const stamped = domain.metadata?.owner.uid;
  if (stamped !== owner.uid)
    throw failedPrecondition(`domain ${domain.name} belongs to another owner`);
}

// Ownership checks shared by Create, Clone and Delete: a domain belongs to the owner uid in its
// metadata; domains without that metadata are never touched.
import { alreadyExists, failedPrecondition, type Owner } from '@virtrigaud/provider-sdk';
import type { ParsedDomain } from '../domain/parse-domain-xml';

/** Create/Clone: a domain that already has the wanted name must be this owner's. */
export function checkNameFree(existing: ParsedDomain | undefined, name: string, uid: string): void {
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

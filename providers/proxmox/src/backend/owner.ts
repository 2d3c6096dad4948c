// How a VM records which Kubernetes object owns it. The description (free text, up to 8 KiB) is
// the source of truth: Proxmox's clone call sets it atomically with the new VM, so even a VM whose
// setup was interrupted is recognisable. A tag `virtrigaud-owner-<uid>` mirrors it for humans and
// for lookups in /cluster/resources (Proxmox tags allow only [a-z0-9_+.-], which a Kubernetes uid
// fits; a uid that does not gets no tag). The `provisioning: pending` line is removed once the
// VM is fully configured, so a retried Create knows whether to finish the setup.
import type { Owner } from '@virtrigaud/provider-sdk';

const UID_LINE = 'virtrigaud.owner.uid: ';
const OWNER_LINE = 'virtrigaud.owner: ';
const PENDING_LINE = 'virtrigaud.provisioning: pending';
const TAG_CHARS = /^[a-z0-9_][a-z0-9_\-+.]*$/;
export const MANAGED_TAG = 'virtrigaud';

export function ownerDescription(owner: Owner, pending: boolean): string {
  return [
    'Managed by VirtRigaud; do not edit the virtrigaud lines.',
    `${UID_LINE}${owner.uid}`,
    `${OWNER_LINE}${owner.namespace}/${owner.name}`,
    ...(pending ? [PENDING_LINE] : []),
  ].join('\n');
}

export interface OwnerStamp {
  uid?: string;
  pending: boolean;
}

export function readOwner(description: string | undefined): OwnerStamp {
  const lines = (description ?? '').split('\n').map((line) => line.trim());
  const uid = lines
    .find((line) => line.startsWith(UID_LINE))
    ?.slice(UID_LINE.length)
    .trim();
  return { uid: uid || undefined, pending: lines.includes(PENDING_LINE) };
}

export function ownerTag(uid: string): string | undefined {
  const tag = `virtrigaud-owner-${uid.toLowerCase()}`;
  return TAG_CHARS.test(tag) ? tag : undefined;
}

/** The VM's tags: the managed marker, the owner tag and the user's tags that Proxmox accepts. */
export function tagList(uid: string, userTags: string[]): string {
  const tags = [MANAGED_TAG, ownerTag(uid), ...userTags.map((tag) => tag.toLowerCase())];
  return [...new Set(tags.filter((tag): tag is string => !!tag && TAG_CHARS.test(tag)))].join(';');
}

export function hasTag(tags: string | undefined, tag: string): boolean {
  return (tags ?? '').split(/[;, ]+/).includes(tag);
}

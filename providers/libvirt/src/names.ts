// Names and ids: what the provider accepts as a domain name, how a VM's domain UUID follows from
// its owner uid (so a retried Create can never make a second domain: libvirt refuses a second
// definition with the same UUID under another name), and how volume names follow from the UUID.
import { createHash } from 'node:crypto';
import { invalidArgument } from '@virtrigaud/provider-sdk';

/** `<namespace>.<name>`-style names: DNS label characters and dots, as Kubernetes allows. */
const DOMAIN_NAME = /^[a-z0-9A-Z]([a-zA-Z0-9._-]*[a-zA-Z0-9])?$/;
const MAX_DOMAIN_NAME = 253;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function checkDomainName(name: string, field = 'name'): string {
  if (!name) throw invalidArgument(field, 'must not be empty');
  if (name.length > MAX_DOMAIN_NAME)
    throw invalidArgument(field, `must be at most ${MAX_DOMAIN_NAME} characters`);
  if (!DOMAIN_NAME.test(name))
    throw invalidArgument(
      field,
      'may contain only letters, digits, ".", "_" and "-", and must start and end with a letter or digit',
    );
  return name;
}

/** A stable UUID for `key` (an owner uid): the same key always names the same domain. */
export function derivedUuid(key: string): string {
  const hex = createHash('sha256').update(`virtrigaud/libvirt:${key}`).digest('hex');
  // RFC 9562 version 8 (custom) with the RFC variant bits.
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** VM ids are domain UUIDs; anything else cannot name a VM of this provider. */
export function isVmId(id: string): boolean {
  return UUID.test(id);
}

/** Every volume of a VM starts with this, so leftovers of an interrupted Create can be found. */
export function volumePrefix(uuid: string): string {
  return `vr-${uuid}-`;
}

/** The uuid of the VM a volume was made for (`vr-<uuid>-...`), undefined for other volumes. */
export function volumeVmUuid(volume: string): string | undefined {
  const match = /^vr-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})-/.exec(volume);
  return match?.[1];
}

/**
 * Generation 0 is the disk a VM is created with; a linked clone freezes the VM's current disk as a
 * shared base and gives the VM a new qcow2 overlay on it, the next generation (`.g1`, `.g2`, ...).
 */
const generationSuffix = (generation: number) => (generation ? `.g${generation}` : '');

export function rootVolumeName(uuid: string, generation = 0): string {
  return `${volumePrefix(uuid)}root${generationSuffix(generation)}.qcow2`;
}

export function dataVolumeName(
  uuid: string,
  disk: string,
  format: 'qcow2' | 'raw',
  generation = 0,
): string {
  const extension = format === 'raw' ? 'img' : 'qcow2';
  return `${volumePrefix(uuid)}data-${disk}${generationSuffix(generation)}.${extension}`;
}

export function seedVolumeName(uuid: string): string {
  return `${volumePrefix(uuid)}seed.iso`;
}

/** Snapshot names from a hint: libvirt forbids "/" and the operator's names are DNS-like. */
export function snapshotName(hint: string): string {
  const cleaned = hint
    .replace(/[^a-zA-Z0-9._-]+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, 64);
  return cleaned || `snapshot-${Date.now()}`;
}

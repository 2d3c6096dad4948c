// Reads what the provider needs back from `virsh dumpxml`: identity, hardware, devices and the
// provider's own metadata (found by its namespace, whatever prefix the document uses).
import { XMLParser } from 'fast-xml-parser';
import { METADATA_NAMESPACE, type DomainMetadata, type ManagedVolume } from './domain-spec';

export interface ParsedDisk {
  device: string;
  target: string;
  format?: string;
  pool?: string;
  volume?: string;
  path?: string;
  /** The file the disk is layered on (only in the XML of a running domain). */
  backingPath?: string;
}

export interface ParsedInterface {
  type: string;
  source?: string;
  mac?: string;
  model?: string;
}

export interface ParsedGraphics {
  type: string;
  port?: number;
  listen?: string;
}

export interface ParsedDomain {
  name: string;
  uuid: string;
  /** Running or paused: the XML is the live one (it carries the domain's `id`). */
  active: boolean;
  cpu: number;
  maxCpu: number;
  memoryMiB: number;
  maxMemoryMiB: number;
  firmware: 'BIOS' | 'UEFI';
  disks: ParsedDisk[];
  interfaces: ParsedInterface[];
  graphics: ParsedGraphics[];
  /** Absent on domains the provider does not manage. */
  metadata?: DomainMetadata;
}

type Node = Record<string, unknown>;

const ALWAYS_ARRAYS = new Set(['disk', 'interface', 'graphics']);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  textNodeName: '#text',
  parseTagValue: false,
  parseAttributeValue: false,
  isArray: (name) => ALWAYS_ARRAYS.has(name) || /(^|:)(volume|tag)$/.test(name),
});

const UNIT_TO_MIB: Record<string, number> = {
  b: 1 / (1024 * 1024),
  bytes: 1 / (1024 * 1024),
  KiB: 1 / 1024,
  k: 1 / 1024,
  MiB: 1,
  M: 1,
  GiB: 1024,
  G: 1024,
};

function text(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'object') return text((value as Node)['#text']);
  return String(value);
}

function attr(node: unknown, name: string): string | undefined {
  if (!node || typeof node !== 'object') return undefined;
  const value = (node as Node)[`@${name}`];
  return value === undefined ? undefined : String(value);
}

function mib(node: unknown): number {
  const amount = Number(text(node) ?? 0);
  const unit = attr(node, 'unit') ?? 'KiB';
  return Math.round(amount * (UNIT_TO_MIB[unit] ?? 1 / 1024));
}

function array(value: unknown): Node[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]) as Node[];
}

export function parseDomainXml(xml: string): ParsedDomain {
  const domain = (parser.parse(xml) as Node).domain as Node | undefined;
  if (!domain) throw new Error('not a libvirt domain document');
  const vcpu = domain.vcpu;
  const maxCpu = Number(text(vcpu));
  const devices = (domain.devices ?? {}) as Node;
  const os = (domain.os ?? {}) as Node;
  const loader = os.loader as Node | undefined;
  const uefi = attr(os, 'firmware') === 'efi' || attr(loader, 'type') === 'pflash';
  return {
    name: text(domain.name) ?? '',
    uuid: text(domain.uuid) ?? '',
    active: attr(domain, 'id') !== undefined,
    maxCpu,
    cpu: Number(attr(vcpu, 'current') ?? maxCpu),
    maxMemoryMiB: mib(domain.memory),
    memoryMiB: mib(domain.currentMemory ?? domain.memory),
    firmware: uefi ? 'UEFI' : 'BIOS',
    disks: array(devices.disk).map(parseDisk),
    interfaces: array(devices.interface).map(parseInterface),
    graphics: array(devices.graphics).map(parseGraphics),
    metadata: parseMetadata(domain.metadata),
  };
}

function parseDisk(disk: Node): ParsedDisk {
  const source = disk.source as Node | undefined;
  const backing = disk.backingStore as Node | undefined;
  const backingPath = attr(backing?.source, 'file') ?? attr(backing?.source, 'dev');
  return {
    ...(backingPath ? { backingPath } : {}),
    device: attr(disk, 'device') ?? 'disk',
    target: attr(disk.target, 'dev') ?? '',
    format: attr(disk.driver, 'type'),
    pool: attr(source, 'pool'),
    volume: attr(source, 'volume'),
    path: attr(source, 'file') ?? attr(source, 'dev'),
  };
}

function parseInterface(nic: Node): ParsedInterface {
  const source = nic.source as Node | undefined;
  return {
    type: attr(nic, 'type') ?? '',
    source: attr(source, 'network') ?? attr(source, 'bridge'),
    mac: attr(nic.mac, 'address'),
    model: attr(nic.model, 'type'),
  };
}

function parseGraphics(graphics: Node): ParsedGraphics {
  const port = Number(attr(graphics, 'port'));
  return {
    type: attr(graphics, 'type') ?? '',
    port: Number.isInteger(port) && port > 0 ? port : undefined,
    listen: attr(graphics, 'listen') ?? attr(graphics.listen, 'address'),
  };
}

/** Child elements of `node` by local name (the part after any namespace prefix). */
function child(node: Node, localName: string): unknown {
  const key = Object.keys(node).find((k) => !k.startsWith('@') && k.split(':').pop() === localName);
  return key === undefined ? undefined : node[key];
}

function ownElement(metadata: unknown): Node | undefined {
  if (!metadata || typeof metadata !== 'object') return undefined;
  for (const [key, value] of Object.entries(metadata as Node)) {
    if (key.startsWith('@') || key.startsWith('#')) continue;
    for (const element of array(value)) {
      const declared = Object.entries(element).some(
        ([name, uri]) => name.startsWith('@xmlns') && uri === METADATA_NAMESPACE,
      );
      if (declared) return element;
    }
  }
  return undefined;
}

export function parseMetadata(metadata: unknown): DomainMetadata | undefined {
  const own = ownElement(metadata);
  if (!own) return undefined;
  const owner = child(own, 'owner');
  const uid = attr(owner, 'uid');
  if (!uid) return undefined;
  const tags = array(child(array(child(own, 'tags'))[0] ?? {}, 'tag'))
    .map((tag) => text(tag) ?? '')
    .filter(Boolean);
  const volumes = array(child(array(child(own, 'volumes'))[0] ?? {}, 'volume')).map(
    (volume): ManagedVolume => ({
      pool: attr(volume, 'pool') ?? '',
      name: attr(volume, 'name') ?? '',
      role: (attr(volume, 'role') ?? 'data') as ManagedVolume['role'],
      ...(attr(volume, 'disk') ? { disk: attr(volume, 'disk') } : {}),
    }),
  );
  return {
    owner: { uid, namespace: attr(owner, 'namespace') ?? '', name: attr(owner, 'name') ?? '' },
    tags,
    volumes,
    ...(text(child(own, 'image')) ? { image: text(child(own, 'image')) } : {}),
  };
}

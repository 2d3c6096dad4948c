// The libvirt-facing description of one VM, from which the domain XML is built and into which a
// domain's XML is parsed back. Keeping both directions on one type keeps them consistent.
import type { Owner } from '@virtrigaud/provider-sdk';

/** XML namespace of the provider's own `<metadata>` element on every domain it manages. */
export const METADATA_NAMESPACE = 'https://virtrigaud.io/xmlns/libvirt/v1';
export const METADATA_PREFIX = 'virtrigaud';

export type VolumeRole = 'root' | 'data' | 'seed';

/** A storage-pool volume the provider created for the VM (deleted with it). */
export interface ManagedVolume {
  pool: string;
  name: string;
  role: VolumeRole;
  /** Data disk name for role `data`. */
  disk?: string;
}

export interface DomainMetadata {
  owner: Owner;
  tags: string[];
  volumes: ManagedVolume[];
  /** Base volume/path the root disk was layered on, for clones and troubleshooting. */
  image?: string;
}

export interface DiskSpec {
  device: 'disk' | 'cdrom';
  pool: string;
  volume: string;
  format: 'qcow2' | 'raw';
  target: string;
  bus: 'virtio' | 'sata';
}

export interface InterfaceSpec {
  type: 'network' | 'bridge' | 'user';
  /** libvirt network or bridge name; absent for user-mode networking. */
  source?: string;
  mac?: string;
  model: string;
}

export interface ConsoleSpec {
  type: 'vnc' | 'spice' | 'none';
  listen: string;
}

export interface DomainSpec {
  name: string;
  uuid: string;
  /** `kvm` with hardware virtualisation, `qemu` for TCG emulation. */
  domainType: 'kvm' | 'qemu';
  cpu: number;
  /** vCPUs the domain can grow to while running. */
  maxCpu: number;
  memoryMiB: number;
  /** Boot-time memory ceiling; the balloon can move between memoryMiB and this live. */
  maxMemoryMiB: number;
  firmware: 'BIOS' | 'UEFI';
  secureBoot: boolean;
  disks: DiskSpec[];
  interfaces: InterfaceSpec[];
  console: ConsoleSpec;
  description: string;
  metadata: DomainMetadata;
}

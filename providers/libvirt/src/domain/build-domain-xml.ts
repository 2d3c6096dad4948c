// Domain XML from a DomainSpec through xmlbuilder2, so every value (names, tags, owner fields) is
// escaped by the builder, never spliced into markup.
import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces';
import {
  METADATA_NAMESPACE,
  METADATA_PREFIX,
  type DiskSpec,
  type DomainMetadata,
  type DomainSpec,
  type InterfaceSpec,
} from './domain-spec';

export function buildDomainXml(spec: DomainSpec): string {
  const domain = create().ele('domain', { type: spec.domainType });
  domain.ele('name').txt(spec.name);
  domain.ele('uuid').txt(spec.uuid);
  domain.ele('description').txt(spec.description);
  appendMetadata(domain.ele('metadata'), spec.metadata);
  domain.ele('memory', { unit: 'MiB' }).txt(String(spec.maxMemoryMiB));
  domain.ele('currentMemory', { unit: 'MiB' }).txt(String(spec.memoryMiB));
  domain.ele('vcpu', { placement: 'static', current: String(spec.cpu) }).txt(String(spec.maxCpu));
  appendOs(domain, spec);
  const features = domain.ele('features');
  features.ele('acpi');
  features.ele('apic');
  if (spec.secureBoot) features.ele('smm', { state: 'on' });
  domain.ele('on_poweroff').txt('destroy');
  domain.ele('on_reboot').txt('restart');
  domain.ele('on_crash').txt('destroy');
  appendDevices(domain.ele('devices'), spec);
  return domain.end({ prettyPrint: true, headless: true });
}

export function appendMetadata(parent: XMLBuilder, metadata: DomainMetadata): void {
  const p = METADATA_PREFIX;
  const root = parent.ele(METADATA_NAMESPACE, `${p}:vm`);
  const { uid, namespace, name } = metadata.owner;
  root.ele(METADATA_NAMESPACE, `${p}:owner`, { uid, namespace, name });
  if (metadata.image) root.ele(METADATA_NAMESPACE, `${p}:image`).txt(metadata.image);
  const tags = root.ele(METADATA_NAMESPACE, `${p}:tags`);
  for (const tag of metadata.tags) tags.ele(METADATA_NAMESPACE, `${p}:tag`).txt(tag);
  const volumes = root.ele(METADATA_NAMESPACE, `${p}:volumes`);
  for (const volume of metadata.volumes) {
    const attrs: Record<string, string> = {
      pool: volume.pool,
      name: volume.name,
      role: volume.role,
    };
    if (volume.disk) attrs.disk = volume.disk;
    volumes.ele(METADATA_NAMESPACE, `${p}:volume`, attrs);
  }
}

/** Only the provider's metadata element, as `virsh metadata --key` wants it. */
export function buildMetadataXml(metadata: DomainMetadata): string {
  const doc = create();
  appendMetadata(doc, metadata);
  return doc.end({ headless: true });
}

function appendOs(domain: XMLBuilder, spec: DomainSpec): void {
  const os = domain.ele('os', spec.firmware === 'UEFI' ? { firmware: 'efi' } : {});
  os.ele('type', { arch: 'x86_64', machine: 'q35' }).txt('hvm');
  if (spec.firmware === 'UEFI') {
    const firmware = os.ele('firmware');
    firmware.ele('feature', { enabled: spec.secureBoot ? 'yes' : 'no', name: 'secure-boot' });
  }
  os.ele('boot', { dev: 'hd' });
  os.ele('boot', { dev: 'cdrom' });
}

function appendDevices(devices: XMLBuilder, spec: DomainSpec): void {
  for (const disk of spec.disks) appendDisk(devices, disk);
  for (const nic of spec.interfaces) appendInterface(devices, nic);
  if (spec.console.type !== 'none') {
    const graphics = devices.ele('graphics', {
      type: spec.console.type,
      autoport: 'yes',
      listen: spec.console.listen,
    });
    graphics.ele('listen', { type: 'address', address: spec.console.listen });
  }
  // Lets `domifaddr --source agent` report addresses once a guest runs qemu-guest-agent.
  const agent = devices.ele('channel', { type: 'unix' });
  agent.ele('target', { type: 'virtio', name: 'org.qemu.guest_agent.0' });
  devices.ele('serial', { type: 'pty' }).ele('target', { port: '0' });
  devices.ele('memballoon', { model: 'virtio' });
}

function appendDisk(devices: XMLBuilder, disk: DiskSpec): void {
  const element = devices.ele('disk', { type: 'volume', device: disk.device });
  element.ele('driver', { name: 'qemu', type: disk.format });
  element.ele('source', { pool: disk.pool, volume: disk.volume });
  element.ele('target', { dev: disk.target, bus: disk.bus });
  if (disk.device === 'cdrom') element.ele('readonly');
}

function appendInterface(devices: XMLBuilder, nic: InterfaceSpec): void {
  const element = devices.ele('interface', { type: nic.type });
  if (nic.type === 'network') element.ele('source', { network: nic.source });
  if (nic.type === 'bridge') element.ele('source', { bridge: nic.source });
  if (nic.mac) element.ele('mac', { address: nic.mac });
  element.ele('model', { type: nic.model });
}

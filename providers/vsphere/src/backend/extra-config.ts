// What VirtRigaud stamps into a VM's extraConfig: the owning Kubernetes object, the disk layout
// it created, tags, and cloud-init data for the VMware guestinfo datasource.
import type { Owner } from '@virtrigaud/provider-sdk';
import { typed, type SoapValue, type XmlNode, childText, children } from '../vim25/xml';

export const OWNER_UID = 'virtrigaud.owner.uid';
const OWNER_NAMESPACE = 'virtrigaud.owner.namespace';
const OWNER_NAME = 'virtrigaud.owner.name';
const TAGS = 'virtrigaud.tags';
/** Prefix of "disk name → scsi<bus>:<unit>" entries, so Reconfigure can find each named disk. */
export const DISK_PREFIX = 'virtrigaud.disk.';
export const BOOT_DISK = 'virtrigaud.bootdisk';

export function option(key: string, value: string): SoapValue {
  // OptionValue.value is xsd:anyType, so the string type must be named.
  return { key, value: typed('xsd:string', value) };
}

export function ownerOptions(owner: Owner): SoapValue[] {
  return [
    option(OWNER_UID, owner.uid),
    option(OWNER_NAMESPACE, owner.namespace),
    option(OWNER_NAME, owner.name),
  ];
}

export function tagOptions(tags: string[]): SoapValue[] {
  return tags.length > 0 ? [option(TAGS, tags.join(','))] : [];
}

/** guestinfo.userdata/metadata, base64 as cloud-init's VMware datasource reads them. */
export function cloudInitOptions(userData?: Buffer, metaData?: Buffer): SoapValue[] {
  const options: SoapValue[] = [];
  for (const [name, data] of [
    ['userdata', userData],
    ['metadata', metaData],
  ] as const) {
    if (!data || data.length === 0) continue;
    options.push(option(`guestinfo.${name}`, data.toString('base64')));
    options.push(option(`guestinfo.${name}.encoding`, 'base64'));
  }
  return options;
}

/** A VM's extraConfig (ArrayOfOptionValue) as a map. */
export function readExtraConfig(node: XmlNode | undefined): Map<string, string> {
  const values = new Map<string, string>();
  for (const entry of children(node, 'OptionValue')) {
    const key = childText(entry, 'key');
    if (key !== undefined) values.set(key, childText(entry, 'value') ?? '');
  }
  return values;
}

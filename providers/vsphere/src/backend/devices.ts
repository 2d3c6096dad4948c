// Virtual hardware devices: what a VM has (parsed from config.hardware.device) and the
// VirtualDeviceConfigSpecs that add or change disks and NICs.
import { invalidArgument } from '@virtrigaud/provider-sdk';
import type { MoRef } from '../vim25/moref';
import { toSoapValue, withFields } from '../vim25/soap-value';
import { childText, children, type SoapValue, typed, type XmlNode, xsiType } from '../vim25/xml';

export interface Device {
  type: string;
  key: number;
  controllerKey?: number;
  unitNumber?: number;
  busNumber?: number;
  capacityKiB?: number;
  fileName?: string;
  macAddress?: string;
  label?: string;
  node: XmlNode;
}

export function readDevices(node: XmlNode | undefined): Device[] {
  return children(node, 'VirtualDevice').map((device) => {
    const num = (name: string) => {
      const value = childText(device, name);
      return value === undefined || value === '' ? undefined : Number(value);
    };
    const backing = children(device, 'backing')[0];
    return {
      type: xsiType(device) ?? 'VirtualDevice',
      key: num('key')!,
      controllerKey: num('controllerKey'),
      unitNumber: num('unitNumber'),
      busNumber: num('busNumber'),
      capacityKiB: num('capacityInKB'),
      fileName: childText(backing, 'fileName'),
      macAddress: childText(device, 'macAddress'),
      label: childText(children(device, 'deviceInfo')[0], 'label'),
      node: device,
    };
  });
}

export const isDisk = (device: Device) => device.type === 'VirtualDisk';
export const isNic = (device: Device) =>
  /^Virtual(Vmxnet\d?|E1000e?|PCNet32|Sriov\w*|EthernetCard)$/.test(device.type);
export const isScsiController = (device: Device) =>
  /SCSIController$|^VirtualLsiLogic|^VirtualBusLogic/.test(device.type);

/** "scsi<bus>:<unit>", how the VM's disk layout is recorded in extraConfig. */
export function diskSlot(devices: Device[], disk: Device): string | undefined {
  const controller = devices.find((d) => d.key === disk.controllerKey);
  if (!controller || !isScsiController(controller)) return undefined;
  return `scsi${controller.busNumber ?? 0}:${disk.unitNumber}`;
}

const NEW_CONTROLLER_KEY = -100;
const SCSI_RESERVED_UNIT = 7;
const KIB_PER_GIB = 1024 * 1024;

/** Free SCSI unit numbers (0-15 without the controller's own unit 7) on one controller. */
export function freeUnits(devices: Device[], controllerKey: number): number[] {
  const used = new Set(
    devices.filter((d) => d.controllerKey === controllerKey).map((d) => d.unitNumber),
  );
  return Array.from({ length: 16 }, (_, unit) => unit).filter(
    (unit) => unit !== SCSI_RESERVED_UNIT && !used.has(unit),
  );
}

export function newScsiController(): { spec: SoapValue; key: number } {
  return {
    key: NEW_CONTROLLER_KEY,
    spec: {
      operation: 'add',
      device: typed('ParaVirtualSCSIController', {
        key: NEW_CONTROLLER_KEY,
        busNumber: 0,
        sharedBus: 'noSharing',
      }),
    },
  };
}

export type DiskType = 'thin' | 'thick' | 'eagerZeroedThick';

export function diskType(type: string | undefined, field: string): DiskType {
  const value = type ?? 'thin';
  if (value === 'thin' || value === 'thick' || value === 'eagerZeroedThick') return value;
  throw invalidArgument(
    field,
    `"${value}" is not a vSphere disk type (thin, thick, eagerZeroedThick)`,
  );
}

export interface NewDisk {
  key: number;
  controllerKey: number;
  unitNumber: number;
  sizeGiB: number;
  type: DiskType;
  datastore?: { name: string; ref: MoRef };
}

export function newDisk(disk: NewDisk): SoapValue {
  return {
    operation: 'add',
    fileOperation: 'create',
    device: typed('VirtualDisk', {
      key: disk.key,
      backing: typed('VirtualDiskFlatVer2BackingInfo', {
        // An empty file name lets vCenter place the disk in the VM's directory.
        fileName: disk.datastore ? `[${disk.datastore.name}]` : '',
        datastore: disk.datastore?.ref,
        diskMode: 'persistent',
        thinProvisioned: disk.type === 'thin',
        eagerlyScrub: disk.type === 'eagerZeroedThick',
      }),
      controllerKey: disk.controllerKey,
      unitNumber: disk.unitNumber,
      capacityInKB: disk.sizeGiB * KIB_PER_GIB,
    }),
  };
}

/** Grows an existing disk: the device as vCenter returned it, with the new capacity. */
export function growDisk(disk: Device, sizeGiB: number): SoapValue {
  const changes: Record<string, SoapValue> = { capacityInKB: sizeGiB * KIB_PER_GIB };
  // Newer vCenters report both; they must agree or the edit is rejected.
  if (children(disk.node, 'capacityInBytes').length > 0) {
    changes.capacityInBytes = sizeGiB * KIB_PER_GIB * 1024;
  }
  return { operation: 'edit', device: withFields(toSoapValue(disk.node), changes) };
}

const NIC_TYPES: Record<string, string> = {
  // vSphere has no virtio; its paravirtual NIC is the equivalent.
  virtio: 'VirtualVmxnet3',
  vmxnet3: 'VirtualVmxnet3',
  e1000: 'VirtualE1000',
  e1000e: 'VirtualE1000e',
};

export function nicType(model: string | undefined, field: string): string {
  const type = NIC_TYPES[model ?? 'vmxnet3'];
  if (!type)
    throw invalidArgument(field, `"${model}" is not available on vSphere (vmxnet3, e1000, e1000e)`);
  return type;
}

/** Network backing of a NIC: a standard port group or a distributed port group. */
export type NicBacking =
  | { kind: 'standard'; name: string; network: MoRef }
  | { kind: 'distributed'; switchUuid: string; portgroupKey: string };

function backingValue(backing: NicBacking): SoapValue {
  return backing.kind === 'standard'
    ? typed('VirtualEthernetCardNetworkBackingInfo', {
        deviceName: backing.name,
        network: backing.network,
      })
    : typed('VirtualEthernetCardDistributedVirtualPortBackingInfo', {
        port: { switchUuid: backing.switchUuid, portgroupKey: backing.portgroupKey },
      });
}

const CONNECTED = { startConnected: true, allowGuestControl: true, connected: true };

export function newNic(key: number, type: string, backing: NicBacking, mac?: string): SoapValue {
  return {
    operation: 'add',
    device: typed(type, {
      key,
      backing: backingValue(backing),
      connectable: CONNECTED,
      addressType: mac ? 'manual' : 'generated',
      macAddress: mac,
    }),
  };
}

/** Points an existing NIC (e.g. a template's) at another network, keeping everything else. */
export function rewireNic(nic: Device, backing: NicBacking, mac?: string): SoapValue {
  const changes: Record<string, SoapValue> = { backing: backingValue(backing) };
  if (mac) Object.assign(changes, { addressType: 'manual', macAddress: mac });
  return { operation: 'edit', device: withFields(toSoapValue(nic.node), changes) };
}

export function removeDevice(device: Device): SoapValue {
  return { operation: 'remove', device: toSoapValue(device.node) };
}

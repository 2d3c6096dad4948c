// Describe and ListVMs: power state, guest IPs, hardware, and the vSphere Client deep link.
import type { CallContext, Description, VMSummary } from '@virtrigaud/provider-sdk';
import type { ServiceContent } from '../vim25/client';
import type { ObjectContent } from '../vim25/properties';
import { childText, children, text, type XmlNode } from '../vim25/xml';
import type { VSphereContext } from './context';
import { isDisk, isNic, readDevices } from './devices';
import { OWNER_UID, readExtraConfig } from './extra-config';
import { powerState } from './power-state';

const SUMMARY_PATHS = [
  'name',
  'config.instanceUuid',
  'runtime.powerState',
  'guest.ipAddress',
  'guest.net',
  'config.hardware.numCPU',
  'config.hardware.memoryMB',
  'config.hardware.device',
];

/** Guest IPs from VMware Tools: every NIC's addresses, primary first, no duplicates. */
function guestIps(vm: ObjectContent): string[] {
  const ips = [text(vm.props.get('guest.ipAddress'))];
  for (const nic of children(vm.props.get('guest.net'), 'GuestNicInfo')) {
    for (const ip of children(nic, 'ipAddress')) ips.push(text(ip));
  }
  return [...new Set(ips.filter((ip): ip is string => !!ip))];
}

/**
 * The vSphere Client URL of a VM. vCenter's HTML5 client addresses objects by
 * `urn:vmomi:<type>:<moref>:<vCenter instance UUID>`; a standalone ESXi host serves its Host
 * Client instead, which addresses VMs by their numeric moref.
 */
export function consoleUrl(endpoint: URL, about: ServiceContent['about'], moref: string): string {
  const base = `https://${endpoint.host}/ui`;
  const vm = encodeURIComponent(moref);
  if (about.apiType === 'HostAgent') return `${base}/#/host/vms/${vm}`;
  // The client writes the URN with literal colons; each part is escaped on its own.
  const urn = `urn:vmomi:VirtualMachine:${vm}:${encodeURIComponent(about.instanceUuid)}`;
  return `${base}/app/vm;nav=h/${urn}/summary`;
}

export async function describeVm(
  vs: VSphereContext,
  ctx: CallContext,
  id: string,
): Promise<Description | undefined> {
  const vm = await vs.vms.read(id, [...SUMMARY_PATHS, 'config.extraConfig'], ctx.signal);
  if (!vm) return undefined;
  const content = await vs.client.serviceContent(ctx.signal);
  const summary = toSummary(vm);
  return {
    powerState: summary.powerState,
    ips: summary.ips,
    consoleUrl: consoleUrl(vs.client.url, content.about, vm.obj.value),
    raw: {
      moref: vm.obj.value,
      name: summary.name,
      owner: readExtraConfig(vm.props.get('config.extraConfig')).get(OWNER_UID),
      cpu: summary.cpu,
      memoryMiB: summary.memoryMiB,
      disks: summary.disks,
      networks: summary.networks,
    },
  };
}

export async function listVms(vs: VSphereContext, ctx: CallContext): Promise<VMSummary[]> {
  const vms = await vs.views.retrieveAll('VirtualMachine', SUMMARY_PATHS, ctx.signal);
  return vms.filter((vm) => vm.props.has('config.instanceUuid')).map(toSummary);
}

function num(node: XmlNode | undefined): number {
  return Number(text(node) ?? 0);
}

function toSummary(vm: ObjectContent): VMSummary {
  const devices = readDevices(vm.props.get('config.hardware.device'));
  const guestNics = children(vm.props.get('guest.net'), 'GuestNicInfo');
  return {
    id: text(vm.props.get('config.instanceUuid'))!,
    name: text(vm.props.get('name')) ?? '',
    powerState: powerState(text(vm.props.get('runtime.powerState'))),
    ips: guestIps(vm),
    cpu: num(vm.props.get('config.hardware.numCPU')),
    memoryMiB: num(vm.props.get('config.hardware.memoryMB')),
    disks: devices.filter(isDisk).map((disk) => ({
      id: String(disk.key),
      path: disk.fileName ?? '',
      sizeGiB: Math.ceil((disk.capacityKiB ?? 0) / (1024 * 1024)),
      format: 'vmdk',
    })),
    networks: devices.filter(isNic).map((nic) => {
      const guest = guestNics.find((g) => childText(g, 'macAddress') === nic.macAddress);
      return {
        name: nic.label ?? '',
        mac: nic.macAddress ?? '',
        ipAddress: text(children(guest, 'ipAddress')[0]) ?? '',
      };
    }),
    raw: { moref: vm.obj.value },
  };
}

// NICs and their cloud-init network-config. A NIC's MAC is the one asked for or one derived from
// the domain UUID, so the network-config can match it and a re-created domain keeps its MAC.
import { createHash } from 'node:crypto';
import { invalidArgument, type VMNetwork } from '@virtrigaud/provider-sdk';
import type { InterfaceSpec } from './domain/domain-spec';

const MAC = /^([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}$/;

export function derivedMac(uuid: string, index: number): string {
  const bytes = createHash('sha256').update(`${uuid}/${index}`).digest();
  // 52:54:00 is QEMU's locally administered prefix.
  return ['52', '54', '00', ...[0, 1, 2].map((i) => bytes[i].toString(16).padStart(2, '0'))].join(
    ':',
  );
}

export function interfaces(
  networks: VMNetwork[],
  uuid: string,
  defaultNetwork?: string,
): InterfaceSpec[] {
  return networks.map((network, index) => {
    const field = `networks_json[${index}]`;
    if (network.macAddress && !MAC.test(network.macAddress))
      throw invalidArgument(`${field}.macAddress`, 'must look like 52:54:00:12:34:56');
    const mac = (network.macAddress ?? derivedMac(uuid, index)).toLowerCase();
    const model = network.attachment.model ?? 'virtio';
    const libvirt = network.attachment.libvirt;
    if (libvirt?.network) return { type: 'network', source: libvirt.network, mac, model };
    if (libvirt?.bridge) return { type: 'bridge', source: libvirt.bridge, mac, model };
    if (network.attachment.vsphere || network.attachment.proxmox)
      throw invalidArgument(`${field}.attachment`, 'has no libvirt network or bridge');
    if (defaultNetwork) return { type: 'network', source: defaultNetwork, mac, model };
    // Neither the attachment nor the Provider names a network: QEMU user-mode NAT (outbound only).
    return { type: 'user', mac, model };
  });
}

/** cloud-init network-config v2 for NICs with static addresses (JSON is valid YAML). */
export function networkConfig(networks: VMNetwork[], nics: InterfaceSpec[]): Buffer | undefined {
  const ethernets: Record<string, unknown> = {};
  networks.forEach((network, index) => {
    const allocation = network.attachment.ipAllocation;
    if (allocation?.type !== 'Static' && !network.ipAddress) return;
    const [address, prefix = '24'] = (allocation?.address ?? '').split('/');
    const ip = network.ipAddress ?? address;
    if (!ip) return;
    ethernets[network.name] = {
      match: { macaddress: nics[index].mac },
      'set-name': network.name,
      addresses: [`${ip}/${prefix}`],
      ...(allocation?.gateway ? { routes: [{ to: 'default', via: allocation.gateway }] } : {}),
      ...(allocation?.dns?.length ? { nameservers: { addresses: allocation.dns } } : {}),
    };
  });
  if (Object.keys(ethernets).length === 0) return undefined;
  return Buffer.from(JSON.stringify({ version: 2, ethernets }));
}

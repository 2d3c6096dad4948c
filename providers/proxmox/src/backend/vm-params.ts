// VirtRigaud specs → Proxmox config parameters: CPU/memory/firmware/hotplug from the VMClass,
// `netN`/`ipconfigN` from the networks, cloud-init fields from the user-data. Values are plain
// strings for URLSearchParams; property strings are assembled from validated parts only.
import { parse as parseYaml } from 'yaml';
import { invalidArgument, type VMNetwork } from '@virtrigaud/provider-sdk';
import type { VMClassSpec } from '@virtrigaud/api';
import type { Defaults } from './config';

export type ConfigParams = Record<string, string>;

const UNIT_MIB = { Mi: 1, Gi: 1024, Ti: 1024 * 1024 } as const;
/** Guest types Proxmox knows (`ostype`). */
const OS_TYPES = [
  'other',
  'wxp',
  'w2k',
  'w2k3',
  'w2k8',
  'wvista',
  'win7',
  'win8',
  'win10',
  'win11',
  'l24',
  'l26',
  'solaris',
];
const BASE_HOTPLUG = ['network', 'disk', 'usb'];

export function memoryMiB(field: string, quantity: string): number {
  const match = /^([1-9]\d*)(Mi|Gi|Ti)$/.exec(quantity);
  if (!match) throw invalidArgument(field, 'must be a binary quantity such as 512Mi or 4Gi');
  return Number(match[1]) * UNIT_MIB[match[2] as keyof typeof UNIT_MIB];
}

export function hardwareParams(field: string, spec: VMClassSpec): ConfigParams {
  const params: ConfigParams = {
    sockets: '1',
    cores: String(spec.cpu),
    memory: String(memoryMiB(`${field}.memory`, spec.memory)),
    bios: spec.firmware === 'UEFI' ? 'ovmf' : 'seabios',
  };
  if (spec.guestOS) {
    if (!OS_TYPES.includes(spec.guestOS)) {
      throw invalidArgument(`${field}.guestOS`, `must be a Proxmox ostype: ${OS_TYPES.join(', ')}`);
    }
    params.ostype = spec.guestOS;
  }
  // Hot-adding CPUs/memory needs the feature in `hotplug`; memory hotplug also needs NUMA.
  const hotplug = [
    ...BASE_HOTPLUG,
    ...(spec.cpuHotAdd ? ['cpu'] : []),
    ...(spec.memoryHotAdd ? ['memory'] : []),
  ];
  params.hotplug = hotplug.join(',');
  if (spec.memoryHotAdd) params.numa = '1';
  return params;
}

function nicParams(field: string, network: VMNetwork, defaults: Defaults): string {
  const proxmox = network.attachment.proxmox;
  const bridge = proxmox?.bridge ?? defaults.network;
  if (!bridge)
    throw invalidArgument(
      `${field}.proxmox.bridge`,
      'is required (or set the Provider default network)',
    );
  const model = network.attachment.model ?? 'virtio';
  const parts = [
    network.macAddress ? `${model}=${network.macAddress.toUpperCase()}` : model,
    `bridge=${bridge}`,
  ];
  if (proxmox?.vlanTag) parts.push(`tag=${proxmox.vlanTag}`);
  if (proxmox?.firewall) parts.push('firewall=1');
  return parts.join(',');
}

function ipConfig(network: VMNetwork): string | undefined {
  const allocation = network.attachment.ipAllocation ?? {};
  const type = network.ipAddress ? 'Static' : (allocation.type ?? 'DHCP');
  if (type === 'None') return undefined;
  if (type === 'DHCP') return 'ip=dhcp';
  const prefix = allocation.address?.split('/')[1] ?? '24';
  const address = network.ipAddress ? `${network.ipAddress}/${prefix}` : allocation.address;
  return [`ip=${address}`, ...(allocation.gateway ? [`gw=${allocation.gateway}`] : [])].join(',');
}

/** `net0..` and `ipconfig0..` in interface order, plus `nameserver` from static DNS settings. */
export function networkParams(
  field: string,
  networks: VMNetwork[],
  defaults: Defaults,
): ConfigParams {
  const params: ConfigParams = {};
  const dns = new Set<string>();
  networks.forEach((network, i) => {
    params[`net${i}`] = nicParams(`${field}[${i}]`, network, defaults);
    const ip = ipConfig(network);
    if (ip) params[`ipconfig${i}`] = ip;
    network.attachment.ipAllocation?.dns?.forEach((server) => dns.add(server));
  });
  if (dns.size) params.nameserver = [...dns].join(' ');
  return params;
}

/** Top-level `#cloud-config` keys Proxmox's own cloud-init drive can express. */
const NATIVE_KEYS = new Set([
  'user',
  'users',
  'password',
  'ssh_authorized_keys',
  'chpasswd',
  'ssh_pwauth',
]);

interface CloudConfigUser {
  name?: string;
  passwd?: string;
  plain_text_passwd?: string;
  ssh_authorized_keys?: string[];
}

/**
 * Proxmox's built-in cloud-init (user, password, SSH keys) from a `#cloud-config` document.
 * Proxmox cannot receive arbitrary user-data through its API (snippets are files on a storage),
 * so anything beyond these keys is refused with a message instead of being dropped silently.
 */
export function cloudInitParams(userData: Buffer | undefined): ConfigParams {
  if (!userData?.length) return {};
  const text = userData.toString('utf8');
  if (!text.startsWith('#cloud-config')) {
    throw invalidArgument('user_data', 'must be a #cloud-config document for Proxmox');
  }
  let doc: Record<string, unknown>;
  try {
    doc = (parseYaml(text) ?? {}) as Record<string, unknown>;
  } catch {
    throw invalidArgument('user_data', 'is not valid YAML');
  }
  const unsupported = Object.keys(doc).filter((key) => !NATIVE_KEYS.has(key));
  if (unsupported.length) {
    throw invalidArgument(
      'user_data',
      `keys ${unsupported.join(', ')} need a cicustom snippet on a Proxmox storage; supported here: ${[...NATIVE_KEYS].join(', ')}`,
    );
  }
  const users = Array.isArray(doc.users) ? (doc.users as (string | CloudConfigUser)[]) : [];
  const first = users.find((u) => u !== 'default');
  const user: CloudConfigUser = typeof first === 'string' ? { name: first } : (first ?? {});
  const name = typeof doc.user === 'string' ? doc.user : user.name;
  const password =
    typeof doc.password === 'string' ? doc.password : (user.plain_text_passwd ?? user.passwd);
  const keys = [
    ...((doc.ssh_authorized_keys as string[] | undefined) ?? []),
    ...(user.ssh_authorized_keys ?? []),
  ];
  const params: ConfigParams = {};
  if (name) params.ciuser = name;
  if (password) params.cipassword = password;
  // Proxmox wants the key list URL-encoded inside the (also encoded) form value.
  if (keys.length) params.sshkeys = encodeURIComponent(keys.join('\n'));
  return params;
}

/** Whether the VM needs a cloud-init drive for these parameters. */
export function needsCloudInit(params: ConfigParams): boolean {
  return Object.keys(params).some((key) =>
    /^(ipconfig\d+|ciuser|cipassword|sshkeys|nameserver|cicustom)$/.test(key),
  );
}

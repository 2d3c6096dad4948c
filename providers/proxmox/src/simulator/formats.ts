// Checks of the schema's named string formats (`format: "pve-node"`). The schema only names them;
// their rules live in Proxmox's Perl code (PVE::JSONSchema and the registering modules), so the
// ones the provider's requests use are re-stated here. A named format not listed is accepted as
// any string: the simulator is strict where VirtRigaud sends data, permissive elsewhere.
export type FormatCheck = (value: string) => string | undefined;

const STORAGE_ID = /^[a-z][a-z0-9\-_.]*[a-z0-9]$/i;
const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
const TAG = /^[a-z0-9_][a-z0-9_\-+.]*$/i;
const HOTPLUG_FEATURES = new Set(['network', 'disk', 'cpu', 'memory', 'usb', 'cloudinit']);

function matching(regex: RegExp, message: (value: string) => string): FormatCheck {
  return (value) => (regex.test(value) ? undefined : message(value));
}

/** `<storage>:<volume>`, an absolute path, or (for drives) `none`/`cdrom`. */
function volumeId(value: string): string | undefined {
  const storage = /^([^:\s]+):./.exec(value)?.[1];
  if (storage && STORAGE_ID.test(storage)) return undefined;
  if (value.startsWith('/')) return undefined;
  return `unable to parse volume ID '${value}'`;
}

/** A property string whose keys are volumes (`user=local:snippets/u.yaml,meta=...`). */
function volumeList(keys: string[]): FormatCheck {
  return (value) => {
    for (const part of value.split(',')) {
      const [key, volume] = part.split('=', 2);
      if (!keys.includes(key) || volume === undefined)
        return `invalid format - unknown key '${key}'`;
      const problem = volumeId(volume);
      if (problem) return `invalid format - ${key}: ${problem}`;
    }
    return undefined;
  };
}

function ipConfig(value: string): string | undefined {
  for (const part of value.split(',')) {
    const [key, v = ''] = part.split('=', 2);
    const [address, prefix] = v.split('/');
    const ok =
      key === 'ip'
        ? v === 'dhcp' || (IPV4.test(address) && /^([0-9]|[12]\d|3[0-2])$/.test(prefix ?? ''))
        : key === 'gw'
          ? IPV4.test(v)
          : key === 'ip6' || key === 'gw6';
    if (!ok) return `invalid format - ${key}: invalid value '${v}'`;
  }
  return undefined;
}

export const NAMED_FORMATS: Record<string, FormatCheck> = {
  'pve-node': matching(
    /^(?=.{1,63}$)[a-z0-9]([a-z0-9-]*[a-z0-9])?$/i,
    () => 'value does not look like a valid node name',
  ),
  'pve-vmid': matching(/^[1-9]\d{2,8}$/, () => 'value does not look like a valid VM ID'),
  'pve-configid': matching(/^[a-z][a-z0-9_-]+$/i, (v) => `invalid configuration ID '${v}'`),
  'pve-storage-id': matching(STORAGE_ID, (v) => `storage ID '${v}' contains illegal characters`),
  'pve-bridge-id': matching(/^[-_.\w]+$/, (v) => `invalid bridge ID '${v}'`),
  'dns-name': matching(
    /^([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]*[a-z0-9])?$/i,
    () => 'value does not look like a valid DNS name',
  ),
  // Proxmox refuses multicast MACs (lowest bit of the first octet set).
  'mac-addr': matching(
    /^[a-f0-9][02468ace](:[a-f0-9]{2}){5}$/i,
    () => 'value does not look like a valid unicast MAC address',
  ),
  urlencoded: matching(/^[-%a-zA-Z0-9_.!~*'()]*$/, (v) => `invalid urlencoded string: ${v}`),
  'pve-tag-list': (value) =>
    value.split(/[;, ]+/).every((tag) => tag === '' || TAG.test(tag))
      ? undefined
      : `invalid tag list '${value}'`,
  'disk-size': matching(/^\d+(\.\d+)?[KMGT]?$/, () => 'unable to parse size'),
  'pve-volume-id': volumeId,
  'pve-volume-id-or-qm-path': (v) => (v === 'none' || v === 'cdrom' ? undefined : volumeId(v)),
  'pve-volume-id-or-absolute-path': volumeId,
  'pve-qm-ipconfig': ipConfig,
  'pve-qm-cicustom': volumeList(['meta', 'network', 'user', 'vendor']),
  'pve-hotplug-features': (value) =>
    /^[01]$/.test(value) || value.split(',').every((f) => HOTPLUG_FEATURES.has(f))
      ? undefined
      : `invalid hotplug feature list '${value}'`,
  ipv4: matching(IPV4, () => 'value does not look like a valid IPv4 address'),
};

// The provider's libvirt settings: from the Provider ConfigMap (`options.libvirt`, then
// `options.defaults`) and the pod environment (spec.runtime.env), with defaults that suit a KVM host.
import { invalidArgument, type BackendConfig } from '@virtrigaud/provider-sdk';

export interface LibvirtSettings {
  /** `kvm`, `qemu` (TCG emulation) or `auto` (kvm when the host's capabilities offer it). */
  domainType: 'kvm' | 'qemu' | 'auto';
  console: { type: 'vnc' | 'spice' | 'none'; listen: string };
  /** Storage pool for overlays, data disks and seed ISOs when the VM does not name one. */
  storagePool: string;
  /** libvirt network for NICs whose attachment has no libvirt section. */
  defaultNetwork?: string;
  /** Timeout of one virsh call. */
  virshTimeoutMs: number;
  /** Longest wait for a download of an image URL. */
  downloadTimeoutMs: number;
}

type Env = Record<string, string | undefined>;

function pick<T extends string>(
  field: string,
  value: string | undefined,
  allowed: readonly T[],
  fallback: T,
): T {
  if (value === undefined || value === '') return fallback;
  if (!(allowed as readonly string[]).includes(value))
    throw invalidArgument(field, `must be one of ${allowed.join(', ')}`);
  return value as T;
}

function seconds(field: string, value: string | number | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback * 1000;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0)
    throw invalidArgument(field, 'must be a positive number of seconds');
  return parsed * 1000;
}

export function libvirtSettings(config: BackendConfig, env: Env = process.env): LibvirtSettings {
  const own = (config.options.libvirt ?? {}) as Record<string, string | number | undefined>;
  const defaults = config.options.defaults ?? {};
  const value = (key: string, envName: string) => (own[key] ?? env[envName]) as string | undefined;
  return {
    domainType: pick(
      'libvirt.domainType',
      value('domainType', 'LIBVIRT_DOMAIN_TYPE'),
      ['kvm', 'qemu', 'auto'],
      'auto',
    ),
    console: {
      type: pick(
        'libvirt.consoleType',
        value('consoleType', 'LIBVIRT_CONSOLE_TYPE'),
        ['vnc', 'spice', 'none'],
        'vnc',
      ),
      listen: value('consoleListen', 'LIBVIRT_CONSOLE_LISTEN') || '127.0.0.1',
    },
    storagePool: value('storagePool', 'LIBVIRT_STORAGE_POOL') || defaults.storage || 'default',
    defaultNetwork: value('network', 'LIBVIRT_NETWORK') || defaults.network || undefined,
    virshTimeoutMs: seconds(
      'libvirt.virshTimeoutSeconds',
      value('virshTimeoutSeconds', 'LIBVIRT_VIRSH_TIMEOUT_SECONDS'),
      60,
    ),
    downloadTimeoutMs: seconds(
      'libvirt.downloadTimeoutSeconds',
      value('downloadTimeoutSeconds', 'LIBVIRT_DOWNLOAD_TIMEOUT_SECONDS'),
      1800,
    ),
  };
}

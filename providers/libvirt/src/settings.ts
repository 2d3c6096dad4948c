// The provider's libvirt settings, first found wins: the Provider ConfigMap (`options.libvirt`),
// the command-line flags (LIBVIRT_FLAGS), the pod environment (spec.runtime.env), the Provider
// defaults (`options.defaults.storage`/`network`), then defaults that suit a KVM host.
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

/** Flag name → [ConfigMap key, environment variable]. */
const SOURCES = {
  'libvirt-domain-type': ['domainType', 'LIBVIRT_DOMAIN_TYPE'],
  'libvirt-console-type': ['consoleType', 'LIBVIRT_CONSOLE_TYPE'],
  'libvirt-console-listen': ['consoleListen', 'LIBVIRT_CONSOLE_LISTEN'],
  'libvirt-storage-pool': ['storagePool', 'LIBVIRT_STORAGE_POOL'],
  'libvirt-network': ['network', 'LIBVIRT_NETWORK'],
  'libvirt-virsh-timeout-seconds': ['virshTimeoutSeconds', 'LIBVIRT_VIRSH_TIMEOUT_SECONDS'],
  'libvirt-download-timeout-seconds': [
    'downloadTimeoutSeconds',
    'LIBVIRT_DOWNLOAD_TIMEOUT_SECONDS',
  ],
} as const;

type Flag = keyof typeof SOURCES;

/** The provider-specific flags of provider-libvirt, for runProvider. */
export const LIBVIRT_FLAGS = Object.fromEntries(
  Object.keys(SOURCES).map((flag) => [flag, { type: 'string' as const }]),
) as Record<Flag, { type: 'string' }>;

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
  const flags = config.flags ?? {};
  const value = (flag: Flag) => {
    const [key, envName] = SOURCES[flag];
    const found = own[key] ?? flags[flag] ?? env[envName];
    return found === undefined || typeof found === 'boolean' ? undefined : String(found);
  };
  return {
    domainType: pick(
      'libvirt.domainType',
      value('libvirt-domain-type'),
      ['kvm', 'qemu', 'auto'],
      'auto',
    ),
    console: {
      type: pick(
        'libvirt.consoleType',
        value('libvirt-console-type'),
        ['vnc', 'spice', 'none'],
        'vnc',
      ),
      listen: value('libvirt-console-listen') || '127.0.0.1',
    },
    storagePool: value('libvirt-storage-pool') || defaults.storage || 'default',
    defaultNetwork: value('libvirt-network') || defaults.network || undefined,
    virshTimeoutMs: seconds(
      'libvirt.virshTimeoutSeconds',
      value('libvirt-virsh-timeout-seconds'),
      60,
    ),
    downloadTimeoutMs: seconds(
      'libvirt.downloadTimeoutSeconds',
      value('libvirt-download-timeout-seconds'),
      1800,
    ),
  };
}

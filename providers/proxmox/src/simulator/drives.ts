// Drive values (`scsi0: local-lvm:0,import-from=local:import/noble.qcow2`) as qemu-server reads
// them: the volume type a volume id names (PVE::Storage::Plugin::parse_volname for directory
// storages) and the checks the API makes before it starts a worker ($check_drive_param and
// $check_storage_access in PVE::API2::Qemu), each answered as a 400 naming the drive, with
// Proxmox's messages. Whether a volume exists is only found out by the worker (see cluster.ts).
import { PveError } from './pve-error';

export const DISK_KEY = /^(ide|sata|scsi|virtio)\d+$|^efidisk0$/;
/** `<storage>:<GiB>`: a new volume of that size (`<storage>:0` with `import-from`). */
export const NEW_DISK = /^([a-z][a-z0-9\-_.]*[a-z0-9]):(\d+(?:\.\d+)?)$/i;

export interface Drive {
  /** The backing volume (the property string's default key). */
  file: string;
  options: Record<string, string>;
}

export function parseDrive(value: string): Drive {
  const [file, ...rest] = value.split(',');
  const options = Object.fromEntries(
    rest.map((part) => {
      const eq = part.indexOf('=');
      return [part.slice(0, eq), part.slice(eq + 1)];
    }),
  );
  return { file: file.startsWith('file=') ? file.slice(5) : file, options };
}

export function printDrive(drive: Drive): string {
  return [drive.file, ...Object.entries(drive.options).map(([k, v]) => `${k}=${v}`)].join(',');
}

export type VolumeType = 'images' | 'iso' | 'import' | 'snippets';

/** What kind of content a volume id names, as Proxmox tells from its path on the storage. */
export function volumeType(volid: string): VolumeType {
  const volname = volid.slice(volid.indexOf(':') + 1);
  if (/^iso\/[^/]+\.(iso|img)$/i.test(volname)) return 'iso';
  if (/^import\/[^/]+\.(ova|ovf|qcow2|raw|vmdk)$/.test(volname)) return 'import';
  if (/^snippets\/[^/]+$/.test(volname)) return 'snippets';
  if (/^(vm|base)-\d+-(disk-\d+|cloudinit)/.test(volname)) return 'images';
  throw new PveError(500, `unable to parse directory volume name '${volname}'`);
}

/** Proxmox's checks of the drives in a create or config update call, before any work starts. */
export function checkDriveParams(params: Record<string, string>): void {
  const errors: Record<string, string> = {};
  for (const [key, value] of Object.entries(params)) {
    if (!DISK_KEY.test(key)) continue;
    const problem = driveProblem(parseDrive(value));
    if (problem) errors[key] = problem;
  }
  if (Object.keys(errors).length) throw new PveError(400, 'Parameter verification failed.', errors);
}

function driveProblem({ file, options }: Drive): string | undefined {
  const source = options['import-from'];
  if (source !== undefined) {
    if (NEW_DISK.exec(file)?.[2] !== '0') {
      return "'import-from' requires special syntax - use <storage ID>:0,import-from=<source>";
    }
    const type = source.includes(':') ? volumeType(source) : undefined;
    if (type && type !== 'images' && type !== 'import') {
      return `${source} has wrong type '${type}' - needs to be 'images' or 'import'`;
    }
    return undefined;
  }
  const managed = file.includes(':') && !NEW_DISK.test(file) && !file.endsWith(':cloudinit');
  if (!managed) return undefined;
  const type = volumeType(file);
  if (type === 'iso' && options.media !== 'cdrom') {
    return "explicit 'media=cdrom' is required for iso images";
  }
  if (type !== 'images' && type !== 'iso') return "content type needs to be 'images' or 'iso'";
  return undefined;
}

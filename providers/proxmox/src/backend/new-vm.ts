// A VM made from scratch (`POST /nodes/{node}/qemu`) when the VMImage names a cloud image to
// import (`importFrom`) or an installer ISO (`iso`) instead of a template. The one create call
// carries the whole config, so the VM never exists without its disks, NICs or owner stamp:
//   - cloud image: `scsi0: <storage>:0,import-from=<image>` (Proxmox copies the image into a new
//     volume of the image's size; provision then grows it to the class disk size) and a
//     cloud-init drive on ide2, as Proxmox's cloud-init guide sets up templates;
//   - ISO: a blank `scsi0: <storage>:<class disk size>` and the ISO on ide2, boot order scsi0
//     then ide2: the empty disk falls through to the installer, and once an OS is installed it
//     boots first without a config change; a cloud-init drive (ide0) only when cloud-init
//     parameters are set (an autoinstall reading NoCloud data).
// What a template would have brought is set as the Proxmox GUI sets it for new VMs: VirtIO SCSI
// single, the guest agent, the OS type (from the VMImage's osType unless the class names one), an
// EFI vars disk for UEFI (Microsoft keys enrolled for Secure Boot).
import { invalidArgument, type CreateInput } from '@virtrigaud/provider-sdk';
import { VMImageSpecSchema } from '@virtrigaud/api';
import { planDisks, storageId } from './disks';
import { needsCloudInit, type ConfigParams } from './vm-params';

type ProxmoxSource = NonNullable<CreateInput['image']['source']['proxmox']>;

/** The boot disk size of an ISO install when the class has none (the VMClass API's default). */
const DEFAULT_BOOT_DISK_GIB = 20;

const SOURCE_FIELDS = VMImageSpecSchema.properties.source.properties.proxmox.properties;
// The VMImage API's own patterns, checked again: the values go into property strings, where a
// comma would add drive options.
const IMPORT_VOLUME = new RegExp(SOURCE_FIELDS.importFrom.pattern!);
const ISO_VOLUME = new RegExp(SOURCE_FIELDS.iso.pattern!);

const OS_TYPE: Record<string, string> = { linux: 'l26', windows: 'win11', other: 'other' };

export function isNewVmSource(source: ProxmoxSource): boolean {
  return source.importFrom !== undefined || source.iso !== undefined;
}

function volume(field: string, value: string, pattern: RegExp, example: string): string {
  if (!pattern.test(value)) {
    throw invalidArgument(`image_json.source.proxmox.${field}`, `must look like ${example}`);
  }
  return value;
}

/** The root disk and CD drives of the new VM, with its boot order. */
function bootParams(
  source: ProxmoxSource,
  storage: string,
  sizeGiB: number,
  cloudInit: boolean,
): ConfigParams {
  if (source.importFrom !== undefined) {
    const image = volume(
      'importFrom',
      source.importFrom,
      IMPORT_VOLUME,
      '<storage>:import/<file>.qcow2',
    );
    return {
      scsi0: `${storage}:0,import-from=${image}`,
      ide2: `${storage}:cloudinit`,
      boot: 'order=scsi0',
    };
  }
  const iso = volume('iso', source.iso ?? '', ISO_VOLUME, '<storage>:iso/<file>.iso');
  return {
    scsi0: `${storage}:${sizeGiB}`,
    ide2: `${iso},media=cdrom`,
    boot: 'order=scsi0;ide2',
    ...(cloudInit ? { ide0: `${storage}:cloudinit` } : {}),
  };
}

/**
 * Everything `POST /nodes/{node}/qemu` needs besides vmid, name and the owner stamp: `params`
 * (hardware, NICs, cloud-init, as for a clone) plus drives, data disks and the template defaults.
 */
export function newVmParams(
  input: CreateInput,
  source: ProxmoxSource,
  storage: string | undefined,
  params: ConfigParams,
): ConfigParams {
  if (!storage) {
    throw invalidArgument('placement.storage', 'is required (or set the Provider default storage)');
  }
  const disksOn = storageId('placement.storage', storage);
  const klass = input.class;
  const sizeGiB = klass.diskDefaults?.sizeGiB ?? DEFAULT_BOOT_DISK_GIB;
  return {
    scsihw: 'virtio-scsi-single',
    agent: '1',
    ostype: OS_TYPE[input.image.osType ?? 'linux'],
    ...params,
    ...bootParams(source, disksOn, sizeGiB, needsCloudInit(params)),
    ...(klass.firmware === 'UEFI'
      ? {
          efidisk0: `${disksOn}:1,efitype=4m,pre-enrolled-keys=${klass.secureBoot ? 1 : 0}`,
        }
      : {}),
    ...planDisks('disks_json', {}, input.disks, undefined, disksOn).add,
  };
}

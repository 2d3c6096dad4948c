// VMImage: where a VM's boot disk comes from, per hypervisor kind. Exactly one source is set.
import { Type } from '@sinclair/typebox';
import { Conditions, ObjectWithRules, ObservedGeneration, Status, StringEnum } from './common';

const HTTP_URL = '^https?://[^\\s]+$';

const VSphereSource = ObjectWithRules(
  {
    templateName: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 512,
        description: 'VM template name or inventory path to clone from.',
      }),
    ),
    contentLibrary: Type.Optional(
      Type.Object(
        {
          library: Type.String({
            minLength: 1,
            maxLength: 256,
            description: 'Content library name.',
          }),
          item: Type.String({ minLength: 1, maxLength: 256, description: 'Library item name.' }),
        },
        { description: 'A content library item.' },
      ),
    ),
  },
  [
    {
      rule: 'has(self.templateName) != has(self.contentLibrary)',
      message: 'set exactly one of templateName or contentLibrary',
    },
  ],
  { description: 'A vSphere template or content library item.' },
);

const LibvirtSource = ObjectWithRules(
  {
    path: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 4096,
        pattern: '^/',
        description: 'Absolute path of a base image on the host.',
      }),
    ),
    volume: Type.Optional(
      Type.String({ minLength: 1, maxLength: 255, description: 'Existing volume in storagePool.' }),
    ),
    url: Type.Optional(
      Type.String({
        maxLength: 4096,
        pattern: HTTP_URL,
        description: 'URL downloaded once into storagePool and reused.',
      }),
    ),
    checksum: Type.Optional(
      Type.String({
        pattern: '^(sha256|sha512):[0-9a-f]+$',
        description: 'Expected checksum of the download, sha256:<hex>.',
      }),
    ),
    format: Type.Optional(
      StringEnum(['qcow2', 'raw'] as const, {
        description: 'Disk format of the base image.',
        default: 'qcow2',
      }),
    ),
    storagePool: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 255,
        default: 'default',
        description: 'libvirt storage pool holding base images and overlays.',
      }),
    ),
  },
  [
    {
      rule: '[has(self.path), has(self.volume), has(self.url)].filter(x, x).size() == 1',
      message: 'set exactly one of path, volume or url',
    },
  ],
  { description: 'A qcow2/raw base image for libvirt.' },
);

/** `<storage>:<dir>/<file>`: a Proxmox volume id with Proxmox's safe file name characters. */
const PVE_VOLUME = (dir: string, extensions: string) =>
  `^[a-zA-Z][a-zA-Z0-9._-]*[a-zA-Z0-9]:${dir}/[a-zA-Z0-9._+-]+\\.(${extensions})$`;

const ProxmoxSource = ObjectWithRules(
  {
    templateID: Type.Optional(
      Type.Integer({
        minimum: 100,
        maximum: 999999999,
        description: 'VMID of the template to clone.',
      }),
    ),
    templateName: Type.Optional(
      Type.String({ minLength: 1, maxLength: 128, description: 'Name of the template to clone.' }),
    ),
    importFrom: Type.Optional(
      Type.String({
        maxLength: 512,
        pattern: PVE_VOLUME('import', 'qcow2|raw|vmdk'),
        description:
          'Cloud image on a storage with the "import" content type, e.g. local:import/noble-server-cloudimg-amd64.qcow2: a new VM gets a copy of it as its root disk (grown to the class disk size) and a cloud-init drive.',
      }),
    ),
    iso: Type.Optional(
      Type.String({
        maxLength: 512,
        pattern: PVE_VOLUME('iso', 'iso|img'),
        description:
          'Installer ISO on a storage with the "iso" content type, e.g. local:iso/ubuntu-24.04-live-server-amd64.iso: a new VM gets a blank root disk of the class disk size and boots the ISO until an OS is installed on it.',
      }),
    ),
    node: Type.Optional(
      Type.String({
        maxLength: 64,
        description:
          'Node holding the template, or the node-local storage with the image or ISO (new VMs are placed there unless the VM names a node).',
      }),
    ),
  },
  [
    {
      rule: '[has(self.templateID), has(self.templateName), has(self.importFrom), has(self.iso)].filter(x, x).size() == 1',
      message:
        'set exactly one of templateID or templateName (clone a template), importFrom (import a cloud image) or iso (install from an ISO)',
    },
  ],
  { description: 'A Proxmox VE template to clone, or a cloud image or ISO to create a VM from.' },
);

export const VMImageSpec = Type.Object(
  {
    source: ObjectWithRules(
      {
        vsphere: Type.Optional(VSphereSource),
        libvirt: Type.Optional(LibvirtSource),
        proxmox: Type.Optional(ProxmoxSource),
        mock: Type.Optional(
          Type.Object(
            { name: Type.String({ minLength: 1, maxLength: 128, description: 'Image name.' }) },
            { description: 'An image of the mock provider.' },
          ),
        ),
      },
      [
        {
          rule: '[has(self.vsphere), has(self.libvirt), has(self.proxmox), has(self.mock)].filter(x, x).size() == 1',
          message: 'set exactly one image source',
        },
      ],
      { description: 'Where the image comes from.' },
    ),
    osType: Type.Optional(
      StringEnum(['linux', 'windows', 'other'] as const, {
        description: 'Guest family.',
        default: 'linux',
      }),
    ),
  },
  { description: 'Desired image.' },
);

export const VMImageStatus = Status(
  {
    observedGeneration: ObservedGeneration(),
    conditions: Conditions(),
    phase: StringEnum(['Pending', 'Importing', 'Ready', 'Failed'] as const, {
      description: 'Image preparation phase.',
    }),
    preparedImageId: Type.String({ description: 'Provider-side id of the prepared image.' }),
  },
  'Observed state of a VMImage.',
);

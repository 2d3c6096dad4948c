// Provider: a hypervisor endpoint plus the runtime (Deployment + Service) that talks to it.
// Covers every field the seed (the VirtRigaud provider-architecture document, see the root README)
// uses.
import { Type } from '@sinclair/typebox';
import {
  Conditions,
  defaultsOf,
  LabelMap,
  MapOf,
  ObjectName,
  ObjectWithRules,
  ObservedGeneration,
  Opaque,
  Quantity,
  Status,
  StringEnum,
} from './common';

export const PROVIDER_TYPES = ['vsphere', 'libvirt', 'proxmox', 'mock'] as const;

const Resources = Type.Object(
  {
    requests: Type.Optional(
      MapOf(Quantity('Requested amount.'), { description: 'Minimum resources (cpu, memory).' }),
    ),
    limits: Type.Optional(
      MapOf(Quantity('Maximum amount.'), { description: 'Maximum resources (cpu, memory).' }),
    ),
  },
  { description: 'Compute resources of the provider container.' },
);

const Toleration = Type.Object(
  {
    key: Type.Optional(
      Type.String({ maxLength: 316, description: 'Taint key the toleration applies to.' }),
    ),
    operator: Type.Optional(
      StringEnum(['Exists', 'Equal'] as const, { description: 'Exists or Equal (default Equal).' }),
    ),
    value: Type.Optional(
      Type.String({ maxLength: 63, description: 'Taint value to match with Equal.' }),
    ),
    effect: Type.Optional(
      StringEnum(['NoSchedule', 'PreferNoSchedule', 'NoExecute'] as const, {
        description: 'Taint effect to match; empty matches all.',
      }),
    ),
    tolerationSeconds: Type.Optional(
      Type.Integer({
        minimum: 0,
        description: 'For NoExecute: how long the pod stays bound after the taint appears.',
      }),
    ),
  },
  { description: 'A Kubernetes toleration.' },
);

const EnvVar = Type.Object(
  {
    name: Type.String({
      minLength: 1,
      maxLength: 256,
      pattern: '^[-._a-zA-Z][-._a-zA-Z0-9]*$',
      description: 'Variable name.',
    }),
    value: Type.Optional(Type.String({ description: 'Literal value.' })),
    valueFrom: Type.Optional(
      Opaque('Source of the value (secretKeyRef, configMapKeyRef, fieldRef), as in a core EnvVar.'),
    ),
  },
  { description: 'An environment variable for the provider container.' },
);

const Runtime = Type.Object(
  {
    mode: Type.Optional(
      StringEnum(['Remote'] as const, {
        description: 'Remote: the provider runs as its own Deployment reached over gRPC.',
        default: 'Remote',
      }),
    ),
    image: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 512,
        pattern: '^[a-z0-9]([a-z0-9._/:@-]*[a-zA-Z0-9_.-])?$',
        description:
          'Provider image; defaults to ghcr.io/projectbeskar/virtrigaud/provider-<type> of the operator version.',
      }),
    ),
    imagePullPolicy: Type.Optional(
      StringEnum(['Always', 'IfNotPresent', 'Never'] as const, {
        description: 'Kubernetes image pull policy.',
      }),
    ),
    replicas: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 50,
        default: 1,
        description: 'Provider pods behind the Service.',
      }),
    ),
    service: Type.Optional(
      Type.Object(
        {
          port: Type.Optional(
            Type.Integer({
              minimum: 1,
              maximum: 65535,
              default: 9090,
              description: 'gRPC port of the Service and the container.',
            }),
          ),
        },
        { default: {}, description: 'The ClusterIP Service in front of the provider pods.' },
      ),
    ),
    resources: Type.Optional(Resources),
    affinity: Type.Optional(Opaque('Pod affinity/anti-affinity, as in a core PodSpec.')),
    nodeSelector: Type.Optional(
      LabelMap({ description: 'Node labels the provider pods must run on.', maxProperties: 64 }),
    ),
    tolerations: Type.Optional(
      Type.Array(Toleration, { maxItems: 64, description: 'Taints the provider pods tolerate.' }),
    ),
    env: Type.Optional(
      Type.Array(EnvVar, {
        maxItems: 128,
        description: 'Extra environment for the provider container.',
      }),
    ),
    serviceAccountName: Type.Optional(ObjectName('ServiceAccount of the provider pods.')),
    imagePullSecrets: Type.Optional(
      Type.Array(Type.Object({ name: ObjectName('Secret name.') }), {
        maxItems: 16,
        description: 'Secrets for pulling the image.',
      }),
    ),
  },
  { default: {}, description: 'How the provider runs.' },
);

const tlsFields = {
  enabled: Type.Optional(
    Type.Boolean({
      default: false,
      description: 'Serve gRPC over TLS (--tls-enabled); the manager verifies the certificate.',
    }),
  ),
  secretRef: Type.Optional(
    Type.Object(
      {
        name: ObjectName('Name of a kubernetes.io/tls Secret with tls.crt, tls.key and ca.crt.'),
      },
      {
        description:
          'Certificate, key and CA for the gRPC server; ca.crt also authenticates the manager (mutual TLS).',
      },
    ),
  ),
};

const Tls = ObjectWithRules(
  tlsFields,
  [
    {
      rule: '!self.enabled || has(self.secretRef)',
      message: 'secretRef is required when TLS is enabled',
      fieldPath: '.secretRef',
    },
  ],
  { default: defaultsOf(tlsFields), description: 'TLS between the manager and the provider pods.' },
);

const EndpointTls = ObjectWithRules(
  {
    insecureSkipVerify: Type.Optional(
      Type.Boolean({
        default: false,
        description: 'Do not verify the hypervisor certificate. For labs only.',
      }),
    ),
    caSecretKey: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 253,
        description: 'Key of credentialSecretRef holding a PEM CA bundle for the hypervisor.',
      }),
    ),
    fingerprint: Type.Optional(
      Type.String({
        pattern: '^([0-9A-Fa-f]{2}:){19}[0-9A-Fa-f]{2}$|^([0-9A-Fa-f]{2}:){31}[0-9A-Fa-f]{2}$',
        description:
          'Pinned SHA-1 (vSphere thumbprint) or SHA-256 fingerprint of the hypervisor certificate, AA:BB:... form.',
      }),
    ),
  },
  [
    {
      rule: '!self.insecureSkipVerify || (!has(self.caSecretKey) && !has(self.fingerprint))',
      message: 'insecureSkipVerify cannot be combined with caSecretKey or fingerprint',
    },
  ],
  {
    description:
      'How the provider verifies the hypervisor TLS certificate (verification is on by default).',
  },
);

const Defaults = Type.Object(
  {
    datacenter: Type.Optional(Type.String({ maxLength: 256, description: 'vSphere datacenter.' })),
    cluster: Type.Optional(
      Type.String({
        maxLength: 256,
        description: 'vSphere compute cluster, or a logical cluster name.',
      }),
    ),
    resourcePool: Type.Optional(
      Type.String({ maxLength: 512, description: 'vSphere resource pool path.' }),
    ),
    folder: Type.Optional(Type.String({ maxLength: 512, description: 'vSphere VM folder path.' })),
    datastore: Type.Optional(Type.String({ maxLength: 256, description: 'vSphere datastore.' })),
    network: Type.Optional(
      Type.String({ maxLength: 256, description: 'Default network/port group/bridge.' }),
    ),
    node: Type.Optional(
      Type.String({
        maxLength: 64,
        pattern: '^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?$',
        description: 'Proxmox node.',
      }),
    ),
    storage: Type.Optional(
      Type.String({
        maxLength: 256,
        description: 'Proxmox storage for disks, or libvirt storage pool.',
      }),
    ),
  },
  { description: 'Placement used when a VirtualMachine does not say.' },
);

const rateLimitFields = {
  qps: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: 10000,
      default: 10,
      description: 'Sustained requests per second toward the hypervisor.',
    }),
  ),
  burst: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: 100000,
      default: 20,
      description: 'Requests allowed in a burst above qps.',
    }),
  ),
};

const RateLimit = ObjectWithRules(
  rateLimitFields,
  [
    {
      rule: 'self.burst >= self.qps',
      message: 'burst must be greater than or equal to qps',
      fieldPath: '.burst',
    },
  ],
  {
    default: defaultsOf(rateLimitFields),
    description:
      'Token-bucket limit on calls to the hypervisor, shared by all replicas of the Provider.',
  },
);

export const ProviderSpec = ObjectWithRules(
  {
    type: StringEnum(PROVIDER_TYPES, {
      description: 'Hypervisor kind: vsphere, libvirt, proxmox or mock.',
    }),
    endpoint: Type.String({
      minLength: 1,
      maxLength: 2048,
      description:
        'Hypervisor address: https://vcenter:443, qemu+ssh://user@host/system, https://pve:8006.',
    }),
    credentialSecretRef: Type.Optional(
      Type.Object(
        {
          name: ObjectName(
            'Secret in the Provider namespace; each key is mounted as a file in /etc/virtrigaud/credentials/.',
          ),
        },
        {
          description:
            'Hypervisor credentials (username/password, token_id/token_secret, ssh-privatekey/known_hosts).',
        },
      ),
    ),
    defaults: Type.Optional(Defaults),
    rateLimit: Type.Optional(RateLimit),
    runtime: Type.Optional(Runtime),
    tls: Type.Optional(Tls),
    endpointTLS: Type.Optional(EndpointTls),
  },
  [
    {
      rule: "self.type != 'vsphere' || self.endpoint.matches('^https?://[^/]+')",
      message: 'a vsphere endpoint must be an http(s) URL',
      fieldPath: '.endpoint',
    },
    {
      rule: "self.type != 'proxmox' || self.endpoint.matches('^https?://[^/]+')",
      message: 'a proxmox endpoint must be an http(s) URL',
      fieldPath: '.endpoint',
    },
    {
      rule: "self.type != 'libvirt' || self.endpoint.matches('^(qemu|test)(\\\\+(ssh|tcp|tls|unix|libssh2|libssh))?://')",
      message:
        'a libvirt endpoint must be a libvirt URI such as qemu:///system or qemu+ssh://user@host/system',
      fieldPath: '.endpoint',
    },
    {
      rule: "!(self.type in ['vsphere', 'proxmox']) || has(self.credentialSecretRef)",
      message: 'credentialSecretRef is required for vsphere and proxmox providers',
      fieldPath: '.credentialSecretRef',
    },
  ],
  { description: 'Desired state of a Provider.' },
);

export const ProviderStatus = Status(
  {
    observedGeneration: ObservedGeneration(),
    conditions: Conditions(),
    serviceAddress: Type.String({
      description: 'host:port the manager dials (the provider Service).',
    }),
    deploymentName: Type.String({ description: 'The provider Deployment.' }),
    replicas: Type.Integer({ minimum: 0, description: 'Provider pods that exist.' }),
    readyReplicas: Type.Integer({ minimum: 0, description: 'Provider pods that are ready.' }),
    capabilities: Type.Array(Type.String(), {
      description: 'Capabilities reported by GetCapabilities (snapshots, linked-clones, ...).',
    }),
    lastHealthCheck: Type.String({
      format: 'date-time',
      description: 'When the manager last validated the hypervisor connection.',
    }),
  },
  'Observed state of a Provider.',
);

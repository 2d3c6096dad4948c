// The contract between the provider runtime and one hypervisor implementation (libvirt, vSphere,
// Proxmox, mock). The runtime owns gRPC, validation of requests, JSON decoding, deadlines, rate
// limiting, metrics, health and logging; a backend only talks to its hypervisor.
//
// Rules every backend follows (PROVIDER-API.md "Semantics"):
// - A VM is keyed by its owner uid, stamped on the hypervisor object (metadata/extraConfig/
//   description). `create` for an owner that already has a VM returns that VM; a VM with the same
//   name and another owner is ALREADY_EXISTS. `delete` of a missing VM succeeds.
// - No state that matters lives only in the process: any replica of the Provider must be able to
//   answer `taskStatus`, `describe` and `create` for work another replica started. A task id
//   therefore encodes what is needed to find the operation on the hypervisor (a vSphere task
//   moref, a Proxmox UPID, a libvirt domain + target state that is checked against the domain).
// - Errors are thrown as ProviderError (see errors.ts) and never contain credentials.
import type {
  VMClassSpec,
  VMImageSpec,
  VMNetworkAttachmentSpec,
  VirtualMachineSpec,
} from '@virtrigaud/api';
import type { Logger } from 'pino';

/** Per-call context handed to every backend method. */
export interface CallContext {
  /** Correlation id from gRPC metadata `x-correlation-id` (generated when absent). */
  correlationId: string;
  /** Aborted when the caller's deadline passes, the per-operation timeout fires or the server shuts down. */
  signal: AbortSignal;
  /** Logger bound to the call (method, correlation id). */
  log: Logger;
}

/** The Kubernetes object a VM belongs to. */
export interface Owner {
  uid: string;
  namespace: string;
  name: string;
}

export type VMDisk = NonNullable<VirtualMachineSpec['disks']>[number];
export type VMPlacement = NonNullable<VirtualMachineSpec['placement']>;

/** One NIC: the VM's interface entry with its resolved VMNetworkAttachment spec. */
export interface VMNetwork {
  name: string;
  macAddress?: string;
  ipAddress?: string;
  attachment: VMNetworkAttachmentSpec;
}

export interface CreateInput {
  /** Hypervisor-side VM name the operator chose (`<namespace>.<name>` style, already valid). */
  name: string;
  owner: Owner;
  class: VMClassSpec;
  image: VMImageSpec;
  networks: VMNetwork[];
  disks: VMDisk[];
  placement: VMPlacement;
  tags: string[];
  userData?: Buffer;
  metaData?: Buffer;
  targetHostId?: string;
}

/** A backend's answer for an operation that may run asynchronously on the hypervisor. */
export interface Operation {
  /** Task id resolvable by any replica; absent when the operation already completed. */
  task?: string;
}

export interface CreateResult extends Operation {
  id: string;
}

export type PowerOperation = 'on' | 'off' | 'reboot' | 'shutdownGraceful';

export interface DesiredState {
  class: VMClassSpec;
  disks: VMDisk[];
}

export interface Description {
  /** Normalised power state: "On", "Off", "Suspended" or "Unknown". */
  powerState: 'On' | 'Off' | 'Suspended' | 'Unknown';
  ips: string[];
  consoleUrl?: string;
  /** Hypervisor-specific details for troubleshooting (never credentials). */
  raw?: Record<string, unknown>;
}

export interface TaskState {
  done: boolean;
  /** Set when the task finished with an error. */
  error?: string;
}

export interface VMSummary {
  id: string;
  name: string;
  powerState: Description['powerState'];
  ips: string[];
  cpu: number;
  memoryMiB: number;
  disks: { id: string; path: string; sizeGiB: number; format: string }[];
  networks: { name: string; mac: string; ipAddress: string }[];
  raw: Record<string, string>;
}

export interface Capabilities {
  reconfigureOnline: boolean;
  diskExpansionOnline: boolean;
  snapshots: boolean;
  memorySnapshots: boolean;
  linkedClones: boolean;
  imageImport: boolean;
  diskTypes: string[];
  networkTypes: string[];
}

export interface SnapshotInput {
  vmId: string;
  nameHint: string;
  includeMemory: boolean;
  description: string;
}

export interface CloneInput {
  sourceVmId: string;
  targetName: string;
  linked: boolean;
  class?: VMClassSpec;
  placement: VMPlacement;
  customize: Record<string, unknown>;
  target?: Owner;
}

export interface ImagePrepareInput {
  image: VMImageSpec;
  targetName: string;
  storageHint: string;
}

/**
 * What a hypervisor implementation provides. Optional methods are operations the hypervisor may
 * not offer; when absent the runtime answers UNIMPLEMENTED, and `capabilities` must agree.
 */
export interface HypervisorBackend {
  capabilities(): Capabilities;
  /** Proves the hypervisor is reachable with the configured credentials (health probe). */
  validate(ctx: CallContext): Promise<void>;
  create(ctx: CallContext, input: CreateInput): Promise<CreateResult>;
  /** Refuses (FAILED_PRECONDITION or PERMISSION_DENIED) a VM stamped with another owner. */
  delete(ctx: CallContext, id: string, owner: Owner): Promise<Operation>;
  power(
    ctx: CallContext,
    id: string,
    op: PowerOperation,
    gracefulTimeoutSeconds: number,
  ): Promise<Operation>;
  reconfigure(ctx: CallContext, id: string, desired: DesiredState): Promise<Operation>;
  /** undefined when the VM does not exist. */
  describe(ctx: CallContext, id: string, owner?: Owner): Promise<Description | undefined>;
  taskStatus(ctx: CallContext, task: string): Promise<TaskState>;
  listVMs(ctx: CallContext): Promise<VMSummary[]>;
  hardwareUpgrade?(ctx: CallContext, id: string, targetVersion: number): Promise<Operation>;
  snapshotCreate?(
    ctx: CallContext,
    input: SnapshotInput,
  ): Promise<Operation & { snapshotId: string }>;
  snapshotDelete?(ctx: CallContext, vmId: string, snapshotId: string): Promise<Operation>;
  snapshotRevert?(ctx: CallContext, vmId: string, snapshotId: string): Promise<Operation>;
  clone?(ctx: CallContext, input: CloneInput): Promise<Operation & { targetVmId: string }>;
  imagePrepare?(
    ctx: CallContext,
    input: ImagePrepareInput,
  ): Promise<Operation & { preparedImageId: string; preparedImagePath: string }>;
  /** Releases sessions/connections on shutdown. */
  close?(): Promise<void>;
}

/** Everything a backend factory gets at startup. */
export interface BackendConfig {
  providerType: string;
  endpoint: string;
  /** Provider namespace/name (PROVIDER_NAMESPACE/PROVIDER_NAME). */
  namespace: string;
  name: string;
  /** Credential files by key (username, password, token_id, ...); values are secrets. */
  credentials: Record<string, string>;
  /** Contents of the provider ConfigMap (defaults, endpointTLS, ...), parsed. */
  options: ProviderOptions;
  log: Logger;
  /** Values of the provider-specific flags the binary declared (`RunProviderOptions.flags`). */
  flags?: Record<string, string | boolean | undefined>;
}

/** The provider configuration the operator renders into the ConfigMap (`provider.json`). */
export interface ProviderOptions {
  defaults?: Record<string, string>;
  endpointTLS?: { insecureSkipVerify?: boolean; caSecretKey?: string; fingerprint?: string };
  rateLimit?: { qps: number; burst: number };
  [key: string]: unknown;
}

export type BackendFactory = (
  config: BackendConfig,
) => Promise<HypervisorBackend> | HypervisorBackend;

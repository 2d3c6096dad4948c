// The shapes of the VirtRigaud REST API (plugins/virtrigaud-backend/src/schema/openapi.yaml), as
// the backend serves them and the frontend reads them. CRD types come from @virtrigaud/api.
import type {
  Condition,
  POWER_STATES,
  ProviderType,
  VirtualMachineSpec,
  VM_PHASES,
} from '@virtrigaud/api';

export type VmPhase = (typeof VM_PHASES)[number];
export type DesiredPowerState = (typeof POWER_STATES)[number];
export type ObservedPowerState = 'On' | 'Off' | 'Unknown';

/** Where an object lives: the cluster name from app-config plus namespace and name. */
export interface ObjectRef {
  cluster: string;
  namespace: string;
  name: string;
}

/**
 * A one-word verdict with the reason a person should read: `healthy` (nothing to do),
 * `progressing` (wait), `degraded` (works, with a problem), `unhealthy` (broken), `unknown`.
 */
export type HealthLevel = 'healthy' | 'progressing' | 'degraded' | 'unhealthy' | 'unknown';

export interface Health {
  level: HealthLevel;
  reason: string;
}

export interface VmSummary extends ObjectRef {
  uid: string;
  /** Catalog owner (label/annotation `backstage.io/owner`), when set. */
  owner?: string;
  phase?: VmPhase;
  powerState: ObservedPowerState;
  desiredPowerState: DesiredPowerState;
  ips: string[];
  provider: string;
  className: string;
  imageName: string;
  consoleURL?: string;
  conditions: Condition[];
  health: Health;
  /** Set while the operator's finalizer removes the VM from the hypervisor. */
  deleting: boolean;
  /** Set from a reboot request (power action `reboot`) until the operator has rebooted the VM. */
  rebooting?: boolean;
  createdAt?: string;
  labels: Record<string, string>;
  resourceVersion: string;
}

export interface VmDetail extends VmSummary {
  spec: VirtualMachineSpec;
  /** The hypervisor id of the VM (status.id). */
  hypervisorId?: string;
  observedGeneration?: number;
  generation?: number;
  /** Phase and power state changes the portal has seen, oldest first (bounded). */
  timeline?: VmTimelineEntry[];
}

export interface VmTimelineEntry {
  /** When the portal saw the change (ISO 8601). */
  at: string;
  phase?: string;
  powerState: string;
}

/** One Kubernetes Event about an object, newest first in lists. */
export interface ObjectEvent {
  type: 'Normal' | 'Warning' | string;
  reason: string;
  message: string;
  count: number;
  lastTimestamp?: string;
}

/** Request rate, error rate and latency from the provider's Prometheus metrics. */
export interface ProviderMetricsSample {
  /** When the sample was taken (ISO 8601). */
  at: string;
  /** gRPC requests per second over the window since the previous scrape. */
  requestRate: number;
  /** Share of requests with a non-OK status over the window, 0..1. */
  errorRate: number;
  /** Mean request latency over the window, seconds; undefined without requests. */
  meanLatencySeconds?: number;
  /** 95th percentile of request latency over the window (from the histogram buckets), seconds. */
  p95LatencySeconds?: number;
  /** VMs on the hypervisor by power state (provider_vms_total: running, stopped, ...). */
  vmsByState?: Record<string, number>;
  windowSeconds: number;
}

export interface ProviderMetrics {
  latest?: ProviderMetricsSample;
  /** Samples of the last hour, oldest first (for charts). */
  history: ProviderMetricsSample[];
  /** Where the samples come from: the configured Prometheus, or the backend's own scrapes. */
  source?: 'prometheus' | 'scraper';
  /** Why the last scrape failed, when it did. */
  error?: string;
}

export interface ProviderSummary extends ObjectRef {
  uid: string;
  owner?: string;
  type: ProviderType;
  endpoint: string;
  replicas: { desired: number; ready: number };
  /** From the Provider's HypervisorConnected/Ready conditions; undefined when not reported yet. */
  hypervisorConnected?: boolean;
  capabilities: string[];
  conditions: Condition[];
  lastHealthCheck?: string;
  metrics: ProviderMetrics;
  vmCount: number;
  health: Health;
  /** Selector of the provider pods (for @backstage/plugin-kubernetes). */
  podLabelSelector: string;
  resourceVersion: string;
}

export interface VmClassSummary extends ObjectRef {
  cpu: number;
  memory: string;
  firmware?: string;
  diskSizeGiB?: number;
}

export interface VmImageSummary extends ObjectRef {
  osType?: string;
  phase?: string;
  /** Provider types this image has a source for (vsphere, libvirt, proxmox, mock). */
  providerTypes: ProviderType[];
}

export interface VmNetworkSummary extends ObjectRef {
  providerTypes: ProviderType[];
  ipAllocation?: string;
}

export interface ClusterSummary {
  name: string;
  /** False until the informer cache finished its first list of every kind. */
  synced: boolean;
  vmCount: number;
  providerCount: number;
}

export interface ListResponse<T> {
  items: T[];
  totalCount: number;
  offset: number;
  limit: number;
}

export const VM_SORT_FIELDS = ['name', 'namespace', 'phase', 'provider', 'createdAt'] as const;
export type VmSortField = (typeof VM_SORT_FIELDS)[number];

export interface ListVmsQuery {
  cluster?: string;
  namespace?: string;
  provider?: string;
  phase?: VmPhase;
  owner?: string;
  /** Case-insensitive substring of name, namespace, IPs, class or image. */
  search?: string;
  offset?: number;
  /** 1..500, default 50. */
  limit?: number;
  sort?: VmSortField;
  order?: 'asc' | 'desc';
}

export interface ListProvidersQuery {
  cluster?: string;
  namespace?: string;
}

/** Picker queries: a cluster and namespace, optionally narrowed to what a Provider can use. */
export interface PickerQuery {
  cluster?: string;
  namespace?: string;
  provider?: string;
}

/**
 * on → powerState On, off → Off (hard), shutdown → OffGraceful (guest shutdown first); reboot
 * restarts a running VM once (a request, not a state: the VM keeps powerState On).
 */
export const POWER_ACTIONS = ['on', 'off', 'shutdown', 'reboot'] as const;
export type PowerAction = (typeof POWER_ACTIONS)[number];

/** The power actions that set spec.powerState, and the state each one sets. */
export const POWER_ACTION_STATES: Record<Exclude<PowerAction, 'reboot'>, DesiredPowerState> = {
  on: 'On',
  off: 'Off',
  shutdown: 'OffGraceful',
};

/** What the server-sent events stream (GET /events) delivers, one JSON object per event. */
export type LiveEvent =
  | { type: 'vm.upserted'; vm: VmSummary }
  | { type: 'vm.deleted'; ref: ObjectRef }
  | { type: 'provider.upserted'; provider: ProviderSummary }
  | { type: 'provider.deleted'; ref: ObjectRef };

/** The JSON body of every 4xx/5xx answer (Backstage's error shape). */
export interface ApiErrorBody {
  error: { name: string; message: string; field?: string };
  request?: { method: string; url: string };
  response: { statusCode: number };
}

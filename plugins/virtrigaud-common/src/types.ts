// The shapes of the VirtRigaud REST API. They are generated from the backend's OpenAPI document
// (plugins/virtrigaud-backend/src/schema/openapi.yaml → src/generated/openapi.ts, `npm run gen`);
// this file only names the generated request types and adds what the document cannot say: the
// VM spec's type (the CRD's, from @virtrigaud/api) and the state each power action sets.
import type { VirtualMachineSpec } from '@virtrigaud/api';
import type {
  DesiredPowerState,
  Page,
  PowerAction,
  VmSortField,
  VmDetail as GeneratedVmDetail,
  operations,
} from './generated/openapi';
import { powerActionValues, vmSortFieldValues } from './generated/openapi';

export type {
  ApiErrorBody,
  ClusterSummary,
  Condition,
  DesiredPowerState,
  Health,
  HealthLevel,
  LiveEvent,
  ObjectEvent,
  ObjectRef,
  ObservedPowerState,
  PowerAction,
  ProviderMetrics,
  ProviderMetricsSample,
  ProviderSummary,
  ProviderType,
  SortOrder,
  VmClassSummary,
  VmImageSummary,
  VmNetworkSummary,
  VmPhase,
  VmSortField,
  VmSummary,
  VmTimelineEntry,
} from './generated/openapi';

/** A VM with its spec, typed by the VirtualMachine CRD. */
export type VmDetail = Omit<GeneratedVmDetail, 'spec'> & { spec: VirtualMachineSpec };

/** One page of a list answer. */
export type ListResponse<T> = Omit<Page, 'items'> & { items: T[] };

export type ListVmsQuery = NonNullable<operations['listVms']['parameters']['query']>;
export type ListProvidersQuery = NonNullable<operations['listProviders']['parameters']['query']>;
export type LiveEventsQuery = NonNullable<operations['streamEvents']['parameters']['query']>;
/** Picker queries: a cluster and namespace, optionally narrowed to what a Provider can use. */
export type PickerQuery = NonNullable<operations['listClasses']['parameters']['query']>;

// Non-empty tuples (the document's enums are never empty), as zod's z.enum wants them.
export const VM_SORT_FIELDS = vmSortFieldValues as readonly [VmSortField, ...VmSortField[]];
export const POWER_ACTIONS = powerActionValues as readonly [PowerAction, ...PowerAction[]];

/** The power actions that set spec.powerState, and the state each one sets. */
export const POWER_ACTION_STATES: Record<Exclude<PowerAction, 'reboot'>, DesiredPowerState> = {
  on: 'On',
  off: 'Off',
  shutdown: 'OffGraceful',
};

// The metric names and labels the seed's "Observability" section shows; dashboards and alerts are
// written against exactly these.
export const METRIC_GRPC_REQUESTS = 'provider_grpc_requests_total';
export const METRIC_GRPC_DURATION = 'provider_grpc_request_duration_seconds';
export const METRIC_VMS = 'provider_vms_total';
export const METRIC_HEALTH = 'provider_health_status';
export const METRIC_CONNECTION = 'provider_hypervisor_connection_status';

export const PROVIDER_METRIC_NAMES = [
  METRIC_GRPC_REQUESTS,
  METRIC_GRPC_DURATION,
  METRIC_VMS,
  METRIC_HEALTH,
  METRIC_CONNECTION,
] as const;

/** `status` label of a successful call (the seed's `status="success"`); failures use the gRPC code name. */
export const STATUS_SUCCESS = 'success';

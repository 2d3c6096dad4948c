// The alert rules for VirtRigaud, stated once. The generator writes them as a plain Prometheus
// rules file into the Helm chart, whose PrometheusRule template embeds that same file; the
// end-to-end test loads them with shorter `for:` durations. Every alert links to its runbook
// section in docs/monitoring.md.
import {
  METRIC_CONNECTION,
  METRIC_GRPC_DURATION,
  METRIC_GRPC_REQUESTS,
  METRIC_HEALTH,
  STATUS_SUCCESS,
} from '@virtrigaud/provider-sdk';
import { JOB_MANAGER, JOB_PROVIDERS } from './targets';

export const RUNBOOK_BASE_URL =
  'https://github.com/projectbeskar/virtrigaud/blob/main/docs/monitoring.md';

export type Severity = 'critical' | 'warning';

export interface AlertRule {
  alert: string;
  expr: string;
  /** How long the condition must hold (Prometheus duration). */
  for: string;
  severity: Severity;
  summary: string;
  description: string;
  /** Anchor of the alert's section in docs/monitoring.md. */
  runbook: string;
}

/** Share of provider calls that may fail before VirtRigaudProviderErrorRatioHigh fires. */
export const ERROR_RATIO_THRESHOLD = 0.05;
/** Latency SLO: this share of interactive provider calls completes within LATENCY_SLO_SECONDS. */
export const LATENCY_SLO_TARGET = 0.99;
export const LATENCY_SLO_SECONDS = 1;
/**
 * Calls that legitimately take minutes (a synchronous clone, an image download), so they are not
 * held to the interactive latency objective.
 */
export const LONG_RUNNING_METHODS = ['Create', 'Clone', 'ImagePrepare'];
export const WORK_QUEUE_DEPTH_THRESHOLD = 100;

const byProvider = 'namespace, provider';
/** `0.01` → `1` (for messages; float arithmetic would print 1.0000000000000009). */
const percent = (ratio: number) => String(Number((ratio * 100).toFixed(4)));
const interactive = `method!~"${LONG_RUNNING_METHODS.join('|')}"`;
/**
 * NOT_FOUND answers are part of normal operation (Describe of a VM deleted outside VirtRigaud, a
 * Delete repeated after a restart), so they do not count as errors.
 */
const failed = `status!~"${STATUS_SUCCESS}|NOT_FOUND"`;

/** Share of interactive calls slower than the objective over `window`, per Provider. */
function slowRatio(window: string): string {
  const bucket = `${METRIC_GRPC_DURATION}_bucket`;
  const count = `${METRIC_GRPC_DURATION}_count`;
  return (
    `(1 - sum by (${byProvider}) (rate(${bucket}{${interactive}, le="${LATENCY_SLO_SECONDS}"}[${window}]))` +
    ` / sum by (${byProvider}) (rate(${count}{${interactive}}[${window}])))`
  );
}

/**
 * Multi-window burn rate (the Google SRE workbook's fast and slow burn): the error budget
 * (1 - target) is spent `factor` times faster than sustainable over both windows.
 */
function burn(long: string, short: string, factor: number): string {
  const limit = Number((factor * (1 - LATENCY_SLO_TARGET)).toFixed(6));
  return `${slowRatio(long)} > ${limit} and ${slowRatio(short)} > ${limit}`;
}

/** Manager metrics come from every replica's cache; one value per series is enough. */
const oneReplica = (expr: string, by: string) => `max by (${by}) (${expr})`;

export const ALERT_RULES: AlertRule[] = [
  {
    alert: 'VirtRigaudProviderDown',
    expr: `up{job="${JOB_PROVIDERS}"} == 0`,
    for: '2m',
    severity: 'critical',
    summary: 'Provider pod {{ $labels.namespace }}/{{ $labels.pod }} cannot be scraped',
    description:
      'Prometheus has not reached the metrics endpoint of provider {{ $labels.provider }} ' +
      '(pod {{ $labels.pod }}) for 2 minutes: the process is down, crash-looping or unreachable.',
    runbook: 'virtrigaudproviderdown',
  },
  {
    alert: 'VirtRigaudProviderUnhealthy',
    expr: `${METRIC_HEALTH} == 0`,
    for: '5m',
    severity: 'warning',
    summary: 'Provider {{ $labels.namespace }}/{{ $labels.provider }} reports itself unhealthy',
    description:
      'The provider process runs but its health check (Validate against the hypervisor) has ' +
      'failed for 5 minutes; the manager sends it no new work.',
    runbook: 'virtrigaudproviderunhealthy',
  },
  {
    alert: 'VirtRigaudHypervisorDisconnected',
    expr: `${METRIC_CONNECTION} == 0`,
    for: '5m',
    severity: 'critical',
    summary: 'Provider {{ $labels.namespace }}/{{ $labels.provider }} lost its hypervisor',
    description:
      'The hypervisor endpoint {{ $labels.endpoint }} has not been reachable with the ' +
      'configured credentials for 5 minutes.',
    runbook: 'virtrigaudhypervisordisconnected',
  },
  {
    alert: 'VirtRigaudProviderErrorRatioHigh',
    expr:
      `sum by (${byProvider}) (rate(${METRIC_GRPC_REQUESTS}{${failed}}[5m]))` +
      ` / sum by (${byProvider}) (rate(${METRIC_GRPC_REQUESTS}[5m])) > ${ERROR_RATIO_THRESHOLD}`,
    for: '10m',
    severity: 'warning',
    summary:
      'Provider {{ $labels.namespace }}/{{ $labels.provider }} fails {{ $value | humanizePercentage }} of its calls',
    description: `More than ${percent(ERROR_RATIO_THRESHOLD)} % of the gRPC calls to the provider failed over the last 10 minutes.`,
    runbook: 'virtrigaudprovidererrorratiohigh',
  },
  {
    alert: 'VirtRigaudProviderLatencyBudgetBurn',
    expr: burn('1h', '5m', 14.4),
    for: '2m',
    severity: 'critical',
    summary:
      'Provider {{ $labels.namespace }}/{{ $labels.provider }} burns its latency budget fast',
    description:
      `More than ${percent(1 - LATENCY_SLO_TARGET)} % of interactive calls are slower than ` +
      `${LATENCY_SLO_SECONDS} s at 14.4 times the sustainable rate: the month's budget is gone in two days.`,
    runbook: 'virtrigaudproviderlatencybudgetburn',
  },
  {
    alert: 'VirtRigaudProviderLatencyBudgetBurn',
    expr: burn('6h', '30m', 6),
    for: '15m',
    severity: 'warning',
    summary: 'Provider {{ $labels.namespace }}/{{ $labels.provider }} burns its latency budget',
    description:
      `Interactive calls slower than ${LATENCY_SLO_SECONDS} s use the error budget 6 times ` +
      'faster than sustainable: the month’s budget is gone in five days.',
    runbook: 'virtrigaudproviderlatencybudgetburn',
  },
  {
    alert: 'VirtRigaudVMsStuckProvisioning',
    expr: `${oneReplica(`virtrigaud_vms{job="${JOB_MANAGER}", phase="Provisioning"}`, 'phase')} > 0`,
    for: '30m',
    severity: 'warning',
    summary: '{{ $value }} VirtualMachines have been Provisioning for 30 minutes',
    description:
      'VirtualMachines have been in phase Provisioning, without a break, for 30 minutes.',
    runbook: 'virtrigaudvmsstuckprovisioning',
  },
  {
    alert: 'VirtRigaudVMsFailed',
    expr: `${oneReplica(`virtrigaud_vms{job="${JOB_MANAGER}", phase="Failed"}`, 'phase')} > 0`,
    for: '15m',
    severity: 'warning',
    summary: '{{ $value }} VirtualMachines are Failed',
    description: 'VirtualMachines have been in phase Failed for 15 minutes.',
    runbook: 'virtrigaudvmsfailed',
  },
  {
    alert: 'VirtRigaudReconcileErrors',
    expr:
      `sum by (controller) (rate(virtrigaud_reconcile_errors_total{job="${JOB_MANAGER}"}[5m]))` +
      ` / sum by (controller) (rate(virtrigaud_reconcile_total{job="${JOB_MANAGER}"}[5m])) > 0.1`,
    for: '15m',
    severity: 'warning',
    summary:
      'Controller {{ $labels.controller }} fails {{ $value | humanizePercentage }} of its reconciles',
    description:
      'More than 10 % of the reconciles of this controller ended in an error for 15 minutes.',
    runbook: 'virtrigaudreconcileerrors',
  },
  {
    alert: 'VirtRigaudWorkQueueBacklog',
    expr: `${oneReplica(`virtrigaud_workqueue_depth{job="${JOB_MANAGER}"}`, 'name')} > ${WORK_QUEUE_DEPTH_THRESHOLD}`,
    for: '15m',
    severity: 'warning',
    summary: 'Work queue {{ $labels.name }} holds {{ $value }} items',
    description: `More than ${WORK_QUEUE_DEPTH_THRESHOLD} items have been waiting in the queue for 15 minutes.`,
    runbook: 'virtrigaudworkqueuebacklog',
  },
  {
    alert: 'VirtRigaudProviderCircuitOpen',
    expr: `${oneReplica(`virtrigaud_provider_circuit_open{job="${JOB_MANAGER}"}`, 'provider')} == 1`,
    for: '5m',
    severity: 'warning',
    summary: 'The manager has suspended calls to provider {{ $labels.provider }}',
    description:
      'The circuit breaker has been open for 5 minutes: calls to the provider fail fast.',
    runbook: 'virtrigaudprovidercircuitopen',
  },
  {
    alert: 'VirtRigaudManagerDown',
    expr: `absent(up{job="${JOB_MANAGER}"} == 1)`,
    for: '5m',
    severity: 'critical',
    summary: 'No VirtRigaud manager replica can be scraped',
    description: 'No manager replica has been reachable for 5 minutes: nothing reconciles.',
    runbook: 'virtrigaudmanagerdown',
  },
];

export interface RulesFileOptions {
  /** Replaces every rule's `for:` (the end-to-end test fires alerts within seconds). */
  forOverride?: string;
}

export interface RulesFile {
  groups: {
    name: string;
    rules: {
      alert: string;
      expr: string;
      for: string;
      labels: Record<string, string>;
      annotations: Record<string, string>;
    }[];
  }[];
}

/** The rules as a Prometheus rules file (the `groups:` document, also a PrometheusRule's spec). */
export function rulesFile(options: RulesFileOptions = {}): RulesFile {
  return {
    groups: [
      {
        name: 'virtrigaud',
        rules: ALERT_RULES.map((rule) => ({
          alert: rule.alert,
          expr: rule.expr,
          for: options.forOverride ?? rule.for,
          labels: { severity: rule.severity },
          annotations: {
            summary: rule.summary,
            description: rule.description,
            runbook_url: `${RUNBOOK_BASE_URL}#${rule.runbook}`,
          },
        })),
      },
    ],
  };
}

// Command-line flags of virtrigaud-manager (controller-runtime's names where they exist).
import { SERVICE_ADDRESS_SOURCES, type ServiceAddressSource } from '@virtrigaud/kube';
import { parseArgs } from 'node:util';
import { parseDuration } from '@virtrigaud/api';
import { DEFAULT_MANAGER_OPTIONS, type ManagerOptions } from '../manager';
import { LOG_LEVELS, type LogLevel } from '../observability/logger';

export interface CliOptions extends ManagerOptions {
  kubeconfig?: string;
  logLevel: LogLevel;
}

export const USAGE = `Usage: virtrigaud-manager [flags]

  --kubeconfig=PATH                 kubeconfig file (default: in-cluster config, else ~/.kube/config)
  --metrics-addr=[HOST]:PORT        Prometheus /metrics ("0" disables; default :8080)
  --health-addr=[HOST]:PORT         /healthz and /readyz (default :8081)
  --leader-elect                    run only while holding the coordination.k8s.io Lease
  --leader-election-namespace=NS    namespace of the Lease (default $POD_NAMESPACE or virtrigaud-system)
  --leader-election-id=NAME         name of the Lease (default virtrigaud-manager)
  --watch-namespace=NS              only watch this namespace (default: all)
  --log-level=LEVEL                 trace|debug|info|warn|error (default info)
  --provider-concurrency=N          concurrent Provider reconciles (default 2)
  --vm-concurrency=N                concurrent VirtualMachine reconciles (default 10)
  --snapshot-concurrency=N, --clone-concurrency=N, --vmset-concurrency=N   (default 2)
  --service-address-source=SOURCE   endpoint-slices (default: round robin over the ready
                                    provider replicas) | cluster-dns | devcluster-annotation
  --provider-image-tag=TAG          tag of the default provider images (default v0.1.0)
  --provider-health-interval=DUR    how often Providers are validated (default 15s)
  --vm-resync-period=DUR            how often a settled VM is described again (default 10m)
  --grpc-deadline-scale=X           multiplies every provider call deadline (default 1)
`;

function positiveInt(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`--${flag}: "${value}" is not a positive integer`);
  return n;
}

function oneOf<T extends string>(
  flag: string,
  value: string | undefined,
  allowed: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if (!allowed.includes(value as T))
    throw new Error(`--${flag}: "${value}" is not one of ${allowed.join(', ')}`);
  return value as T;
}

export function parseCli(argv: string[]): CliOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      kubeconfig: { type: 'string' },
      'metrics-addr': { type: 'string' },
      'health-addr': { type: 'string' },
      'leader-elect': { type: 'boolean' },
      'leader-election-namespace': { type: 'string' },
      'leader-election-id': { type: 'string' },
      'watch-namespace': { type: 'string' },
      'log-level': { type: 'string' },
      'provider-concurrency': { type: 'string' },
      'vm-concurrency': { type: 'string' },
      'snapshot-concurrency': { type: 'string' },
      'clone-concurrency': { type: 'string' },
      'vmset-concurrency': { type: 'string' },
      'service-address-source': { type: 'string' },
      'provider-image-tag': { type: 'string' },
      'provider-health-interval': { type: 'string' },
      'vm-resync-period': { type: 'string' },
      'grpc-deadline-scale': { type: 'string' },
    },
  });
  if (values.help) return 'help';
  const d = DEFAULT_MANAGER_OPTIONS;
  const scale =
    values['grpc-deadline-scale'] === undefined ? 1 : Number(values['grpc-deadline-scale']);
  if (!(scale > 0))
    throw new Error(
      `--grpc-deadline-scale: "${values['grpc-deadline-scale']}" must be a positive number`,
    );
  return {
    ...d,
    kubeconfig: values.kubeconfig,
    metricsAddr: values['metrics-addr'] ?? d.metricsAddr,
    healthAddr: values['health-addr'] ?? d.healthAddr,
    leaderElect: values['leader-elect'] ?? false,
    leaderElectionNamespace: values['leader-election-namespace'] ?? d.leaderElectionNamespace,
    leaderElectionId: values['leader-election-id'] ?? d.leaderElectionId,
    watchNamespace: values['watch-namespace'] || undefined,
    logLevel: oneOf('log-level', values['log-level'], LOG_LEVELS, 'info'),
    concurrency: {
      provider: positiveInt(
        'provider-concurrency',
        values['provider-concurrency'],
        d.concurrency.provider,
      ),
      vm: positiveInt('vm-concurrency', values['vm-concurrency'], d.concurrency.vm),
      snapshot: positiveInt(
        'snapshot-concurrency',
        values['snapshot-concurrency'],
        d.concurrency.snapshot,
      ),
      clone: positiveInt('clone-concurrency', values['clone-concurrency'], d.concurrency.clone),
      vmset: positiveInt('vmset-concurrency', values['vmset-concurrency'], d.concurrency.vmset),
    },
    serviceAddressSource: oneOf<ServiceAddressSource>(
      'service-address-source',
      values['service-address-source'],
      SERVICE_ADDRESS_SOURCES,
      d.serviceAddressSource,
    ),
    providerImageTag: values['provider-image-tag'] ?? d.providerImageTag,
    providerHealthIntervalMs: values['provider-health-interval']
      ? parseDuration(values['provider-health-interval'], '--provider-health-interval')
      : d.providerHealthIntervalMs,
    vmResyncPeriodMs: values['vm-resync-period']
      ? parseDuration(values['vm-resync-period'], '--vm-resync-period')
      : d.vmResyncPeriodMs,
    deadlineScale: scale,
  };
}

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

Provider security:
  --provider-tls-default=BOOL       mutual TLS for Providers that leave spec.tls.enabled unset
                                    (default false, as the seed renders them; the Helm chart sets true)
  --grpc-client-cert=FILE, --grpc-client-key=FILE
                                    the manager's own client certificate toward providers
  --grpc-client-identities=SAN,...  SANs of that certificate providers admit
                                    (e.g. URI:spiffe://cluster.local/ns/virtrigaud-system/sa/virtrigaud-manager)
  --provider-network-policy=BOOL    a NetworkPolicy per Provider (default true)
  --network-policy-manager-namespace=NS      (default $POD_NAMESPACE or virtrigaud-system)
  --network-policy-manager-pod-labels=K=V,...
                                    (default app.kubernetes.io/name=virtrigaud,app.kubernetes.io/component=manager)
  --metrics-scrape-namespace-labels=K=V,...  namespaces allowed to scrape provider metrics
                                    (default kubernetes.io/metadata.name=monitoring)
  --metrics-scrape-pod-labels=K=V,...        pods there allowed to (default: all)
  --provider-allowed-image-prefixes=P,...    (default ghcr.io/projectbeskar/virtrigaud/; "" = any)
  --provider-allowed-service-accounts=NAME,... ServiceAccounts Providers may run as (default none)
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

function parseBool(flag: string, value: string | undefined, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new Error(`--${flag}: "${value}" is not true or false`);
}

function list(value: string | undefined, fallback: string[]): string[] {
  if (value === undefined) return fallback;
  return value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

const LABEL =
  /^([a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?\/)?[a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?$/;

function labels(
  flag: string,
  value: string | undefined,
  fallback: Record<string, string>,
): Record<string, string> {
  if (value === undefined) return fallback;
  return Object.fromEntries(
    list(value, []).map((pair) => {
      const [key, val = '', ...rest] = pair.split('=');
      if (!LABEL.test(key) || rest.length > 0 || !/^[-a-zA-Z0-9_.]{0,63}$/.test(val))
        throw new Error(`--${flag}: "${pair}" is not a label key=value`);
      return [key, val];
    }),
  );
}

function providerSecurity(values: Record<string, string | boolean | undefined>) {
  const d = DEFAULT_MANAGER_OPTIONS.providerSecurity;
  const v = values as Record<string, string | undefined>;
  const policy = d.networkPolicy!;
  return {
    tlsByDefault: parseBool('provider-tls-default', v['provider-tls-default'], d.tlsByDefault),
    managerIdentities: list(v['grpc-client-identities'], d.managerIdentities),
    networkPolicy: parseBool('provider-network-policy', v['provider-network-policy'], true)
      ? {
          managerNamespace: v['network-policy-manager-namespace'] ?? policy.managerNamespace,
          managerPodLabels: labels(
            'network-policy-manager-pod-labels',
            v['network-policy-manager-pod-labels'],
            policy.managerPodLabels,
          ),
          metricsNamespaceLabels: labels(
            'metrics-scrape-namespace-labels',
            v['metrics-scrape-namespace-labels'],
            policy.metricsNamespaceLabels,
          ),
          metricsPodLabels: labels(
            'metrics-scrape-pod-labels',
            v['metrics-scrape-pod-labels'],
            policy.metricsPodLabels,
          ),
        }
      : undefined,
    admission: {
      allowedImagePrefixes: list(
        v['provider-allowed-image-prefixes'],
        d.admission.allowedImagePrefixes,
      ),
      allowedServiceAccounts: list(
        v['provider-allowed-service-accounts'],
        d.admission.allowedServiceAccounts,
      ),
    },
  };
}

function clientIdentity(values: Record<string, string | boolean | undefined>) {
  const cert = values['grpc-client-cert'] as string | undefined;
  const key = values['grpc-client-key'] as string | undefined;
  if (!cert && !key) return undefined;
  if (!cert || !key)
    throw new Error('--grpc-client-cert and --grpc-client-key must be given together');
  return { certFile: cert, keyFile: key };
}

function securityOptions(values: Record<string, string | boolean | undefined>) {
  const security = providerSecurity(values);
  const identity = clientIdentity(values);
  const bad = security.managerIdentities.find((id) => !/^(URI|DNS|email|IP Address):./.test(id));
  if (bad)
    throw new Error(
      `--grpc-client-identities: "${bad}" is not a SAN such as URI:spiffe://... or DNS:name`,
    );
  if (security.tlsByDefault && (!identity || security.managerIdentities.length === 0))
    throw new Error(
      '--provider-tls-default=true needs the manager identity: --grpc-client-cert, --grpc-client-key and --grpc-client-identities',
    );
  return { providerSecurity: security, grpcClientIdentity: identity };
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
      'provider-tls-default': { type: 'string' },
      'grpc-client-cert': { type: 'string' },
      'grpc-client-key': { type: 'string' },
      'grpc-client-identities': { type: 'string' },
      'provider-network-policy': { type: 'string' },
      'network-policy-manager-namespace': { type: 'string' },
      'network-policy-manager-pod-labels': { type: 'string' },
      'metrics-scrape-namespace-labels': { type: 'string' },
      'metrics-scrape-pod-labels': { type: 'string' },
      'provider-allowed-image-prefixes': { type: 'string' },
      'provider-allowed-service-accounts': { type: 'string' },
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
    ...securityOptions(values),
  };
}

// Server-side printing (`Accept: ...;as=Table`), which kubectl uses for `get`: the columns the real
// API server shows for the built-ins we serve.
/* eslint-disable @typescript-eslint/no-explicit-any -- printers read arbitrary object JSON */
import type { ColumnDefinition, Printer } from './resource-type';
import type { KubeObject } from './types';

type Cells = (object: any, now: number) => unknown[];

export function column(
  name: string,
  type = 'string',
  description = '',
  priority = 0,
): ColumnDefinition {
  return { name, type, format: name === 'Name' ? 'name' : '', description, priority };
}

/** Kubernetes' short human durations: 45s, 3m12s, 5h, 2d3h, 400d. */
export function humanDuration(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 ? `${minutes}m${seconds % 60}s` : `${minutes}m`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 ? `${hours}h${minutes % 60}m` : `${hours}h`;
  if (hours < 48) return `${hours}h`;
  const days = Math.floor(hours / 24);
  if (days < 8) return hours % 24 ? `${days}d${hours % 24}h` : `${days}d`;
  return days < 365 * 2 ? `${days}d` : `${Math.floor(days / 365)}y${days % 365}d`;
}

export function age(object: KubeObject, now: number): string {
  const created = object.metadata.creationTimestamp;
  return created ? humanDuration(now - Date.parse(created)) : '<unknown>';
}

function printer(columns: ColumnDefinition[], cells: Cells): Printer {
  return {
    columns: [column('Name', 'string', 'Name must be unique within a namespace.'), ...columns],
    cells: (o, now) => [o.metadata.name, ...cells(o, now)],
  };
}

const ageColumn = column(
  'Age',
  'string',
  'CreationTimestamp is a timestamp representing the server time when this object was created.',
);

export const defaultPrinter = printer([ageColumn], (o, now) => [age(o, now)]);

const count = (value: unknown) =>
  value && typeof value === 'object' ? Object.keys(value).length : 0;

function servicePorts(
  ports: { port: number; protocol?: string; nodePort?: number }[] = [],
): string {
  return ports.length
    ? ports
        .map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`)
        .join(',')
    : '<none>';
}

function podStatusReason(pod: any): string {
  if (pod.metadata.deletionTimestamp) return 'Terminating';
  for (const status of pod.status?.containerStatuses ?? []) {
    if (status.state?.waiting?.reason) return status.state.waiting.reason;
    if (status.state?.terminated?.reason) return status.state.terminated.reason;
  }
  return pod.status?.reason ?? pod.status?.phase ?? 'Pending';
}

export const printers: Record<string, Printer> = {
  '/namespaces': printer(
    [column('Status', 'string', 'The status of the namespace'), ageColumn],
    (o, now) => [o.status?.phase ?? 'Active', age(o, now)],
  ),
  '/configmaps': printer(
    [column('Data', 'string', 'Number of data entries'), ageColumn],
    (o, now) => [count(o.data) + count(o.binaryData), age(o, now)],
  ),
  '/secrets': printer(
    [column('Type'), column('Data', 'string', 'Number of data entries'), ageColumn],
    (o, now) => [o.type ?? 'Opaque', count(o.data), age(o, now)],
  ),
  '/serviceaccounts': printer([column('Secrets', 'string'), ageColumn], (o, now) => [
    (o.secrets ?? []).length,
    age(o, now),
  ]),
  '/services': printer(
    [
      column('Type'),
      column('Cluster-IP'),
      column('External-IP'),
      column('Port(s)'),
      ageColumn,
      column('Selector', 'string', '', 1),
    ],
    (o, now) => [
      o.spec?.type ?? 'ClusterIP',
      o.spec?.clusterIP ?? '<none>',
      o.status?.loadBalancer?.ingress?.[0]?.ip ?? '<none>',
      servicePorts(o.spec?.ports),
      age(o, now),
      Object.entries(o.spec?.selector ?? {})
        .map(([k, v]) => `${k}=${v}`)
        .join(',') || '<none>',
    ],
  ),
  '/pods': printer(
    [
      column('Ready'),
      column('Status'),
      column('Restarts', 'string'),
      ageColumn,
      column('IP', 'string', '', 1),
      column('Node', 'string', '', 1),
    ],
    (o, now) => {
      const statuses: any[] = o.status?.containerStatuses ?? [];
      const containers = o.spec?.containers?.length ?? 0;
      return [
        `${statuses.filter((s) => s.ready).length}/${containers}`,
        podStatusReason(o),
        statuses.reduce((sum, s) => sum + (s.restartCount ?? 0), 0),
        age(o, now),
        o.status?.podIP ?? '<none>',
        o.spec?.nodeName ?? '<none>',
      ];
    },
  ),
  'apps/deployments': printer(
    [column('Ready'), column('Up-to-date', 'string'), column('Available', 'string'), ageColumn],
    (o, now) => [
      `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 1}`,
      o.status?.updatedReplicas ?? 0,
      o.status?.availableReplicas ?? 0,
      age(o, now),
    ],
  ),
  'apps/replicasets': printer(
    [
      column('Desired', 'string'),
      column('Current', 'string'),
      column('Ready', 'string'),
      ageColumn,
    ],
    (o, now) => [
      o.spec?.replicas ?? 1,
      o.status?.replicas ?? 0,
      o.status?.readyReplicas ?? 0,
      age(o, now),
    ],
  ),
  '/events': printer(
    [column('Last Seen'), column('Type'), column('Reason'), column('Object'), column('Message')],
    (o, now) => [
      o.lastTimestamp || o.eventTime
        ? humanDuration(now - Date.parse(o.lastTimestamp || o.eventTime))
        : '<unknown>',
      o.type ?? '',
      o.reason ?? '',
      `${(o.involvedObject?.kind ?? '').toLowerCase()}/${o.involvedObject?.name ?? ''}`,
      o.message ?? '',
    ],
  ),
  '/nodes': printer([column('Status'), column('Roles'), ageColumn, column('Version')], (o, now) => [
    o.status?.conditions?.find((c: any) => c.type === 'Ready')?.status === 'True'
      ? 'Ready'
      : 'NotReady',
    '<none>',
    age(o, now),
    o.status?.nodeInfo?.kubeletVersion ?? '',
  ]),
  'coordination.k8s.io/leases': printer([column('Holder'), ageColumn], (o, now) => [
    o.spec?.holderIdentity ?? '',
    age(o, now),
  ]),
  'discovery.k8s.io/endpointslices': printer(
    [column('AddressType'), column('Ports'), column('Endpoints'), ageColumn],
    (o, now) => [
      o.addressType,
      (o.ports ?? []).map((p: any) => p.port).join(',') || '<unset>',
      (o.endpoints ?? []).flatMap((e: any) => e.addresses).join(',') || '<unset>',
      age(o, now),
    ],
  ),
  '/endpoints': printer([column('Endpoints'), ageColumn], (o, now) => [
    (o.subsets ?? [])
      .flatMap((s: any) =>
        (s.addresses ?? []).flatMap((a: any) =>
          (s.ports ?? []).map((p: any) => `${a.ip}:${p.port}`),
        ),
      )
      .join(',') || '<none>',
    age(o, now),
  ]),
  'apiextensions.k8s.io/customresourcedefinitions': printer([column('Created At', 'date')], (o) => [
    o.metadata.creationTimestamp,
  ]),
};

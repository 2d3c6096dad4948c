// The cluster-wide endpoints the simulator models (version, nextid, resources, nodes, task
// status) and the route table type shared with the QEMU endpoints.
import type { Cluster, Vm } from './cluster';
import { PveError } from './pve-error';
import type { TaskList } from './tasks';

export interface RouteContext {
  cluster: Cluster;
  tasks: TaskList;
  /** Verified parameters, path parameters included. */
  params: Record<string, string>;
  /** The authenticated user (`root@pam`, `user@pve!token`). */
  user: string;
  /** A stored config with integer/boolean keys as JSON numbers, as Proxmox returns it. */
  typedConfig(config: Record<string, string>): Record<string, unknown>;
}

/** Answers the `data` of the response, or throws a PveError. */
export type Route = (c: RouteContext) => unknown;

const MiB = 1024 * 1024;

function memoryBytes(vm: Vm): number {
  return Number(/^(?:current=)?(\d+)/.exec(vm.config.memory ?? '512')?.[1] ?? 512) * MiB;
}

function vmResource(vm: Vm): Record<string, unknown> {
  return {
    id: `qemu/${vm.vmid}`,
    type: 'qemu',
    vmid: vm.vmid,
    node: vm.node,
    name: vm.config.name,
    status: vm.status,
    template: vm.config.template === '1' ? 1 : 0,
    maxcpu: Number(vm.config.cores ?? 1) * Number(vm.config.sockets ?? 1),
    maxmem: memoryBytes(vm),
    mem: vm.status === 'running' ? memoryBytes(vm) / 2 : 0,
    uptime: vm.status === 'running' ? Math.floor((Date.now() - (vm.startedAt ?? 0)) / 1000) : 0,
    ...(vm.config.tags ? { tags: vm.config.tags } : {}),
    ...(vm.config.lock ? { lock: vm.config.lock } : {}),
  };
}

function resources(c: RouteContext): unknown[] {
  const { cluster } = c;
  const vms = [...cluster.vms.values()].map(vmResource);
  const nodes = cluster.nodes.map((node) => ({
    id: `node/${node}`,
    type: 'node',
    node,
    status: 'online',
  }));
  const storages = cluster.nodes.flatMap((node) =>
    cluster.storages.map((storage) => ({
      id: `storage/${node}/${storage}`,
      type: 'storage',
      node,
      storage,
      status: 'available',
    })),
  );
  switch (c.params.type) {
    case 'vm':
      return vms;
    case 'node':
      return nodes;
    case 'storage':
      return storages;
    case 'sdn':
      return [];
    default:
      return [...nodes, ...storages, ...vms];
  }
}

function nextId(c: RouteContext): string {
  if (c.params.vmid !== undefined) {
    if (c.cluster.vms.has(Number(c.params.vmid))) {
      throw new PveError(400, 'Parameter verification failed.', {
        vmid: `VM ${c.params.vmid} already exists`,
      });
    }
    return c.params.vmid;
  }
  // Proxmox answers the id as a JSON string although the schema says integer.
  return String(c.cluster.nextId());
}

function taskStatus(c: RouteContext): Record<string, unknown> {
  c.cluster.requireNode(c.params.node);
  const task = c.tasks.get(c.params.upid);
  if (!task || task.node !== c.params.node) throw new PveError(500, 'no such task');
  return { ...task };
}

export const CLUSTER_ROUTES: Record<string, Route> = {
  'GET /version': () => ({ version: '9.1.3', release: '9.1', repoid: '0a1b2c3d4e5f6a7b' }),
  'GET /cluster/nextid': nextId,
  'GET /cluster/resources': resources,
  'GET /nodes/{node}/tasks/{upid}/status': taskStatus,
};

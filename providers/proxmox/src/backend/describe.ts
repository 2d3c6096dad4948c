// Describe and ListVMs: power state, guest IPs from the QEMU guest agent when it runs, hardware,
// and the Proxmox web console link.
import type { CallScope } from '../client/pve-client';
import type { CallContext, Description, VMSummary } from '@virtrigaud/provider-sdk';
import type { PveContext } from './context';
import { readOwner } from './owner';
import { currentStatus } from './power';
import { findVm, qemuResources, readConfig, vmPath, type VmResource } from './resources';

const MiB = 1024 * 1024;

interface AgentInterfaces {
  result?: {
    name?: string;
    'ip-addresses'?: { 'ip-address': string; 'ip-address-type': string }[];
  }[];
}

export function powerState(
  status: string | undefined,
  qmpstatus?: string,
): Description['powerState'] {
  if (qmpstatus === 'paused' || qmpstatus === 'suspended' || qmpstatus === 'prelaunch')
    return 'Suspended';
  if (status === 'running') return 'On';
  if (status === 'stopped') return 'Off';
  return 'Unknown';
}

/** The noVNC console of the VM in the Proxmox web UI (same host and port as the API). */
export function consoleUrl(endpoint: URL, vm: Pick<VmResource, 'vmid' | 'node'>): string {
  const url = new URL('/', endpoint);
  url.search = new URLSearchParams({
    console: 'kvm',
    novnc: '1',
    vmid: String(vm.vmid),
    node: vm.node,
  }).toString();
  return url.href;
}

/** Global addresses the guest agent reports (no loopback, no link-local). */
async function guestIps(pve: PveContext, vm: VmResource, scope: CallScope): Promise<string[]> {
  try {
    const answer = await pve.client.get<AgentInterfaces>(
      vmPath(vm, '/agent/network-get-interfaces'),
      {},
      scope,
    );
    const ips = (answer.result ?? []).flatMap((nic) =>
      (nic['ip-addresses'] ?? []).map((a) => a['ip-address']),
    );
    return ips.filter((ip) => !/^(127\.|::1$|fe80:|169\.254\.)/i.test(ip));
  } catch {
    // The agent is configured but not (yet) answering in the guest: no IPs, not an error.
    return [];
  }
}

export async function describeVm(
  pve: PveContext,
  ctx: CallContext,
  id: string,
): Promise<Description | undefined> {
  const vm = await findVm(pve, id, ctx);
  if (!vm) return undefined;
  const [status, config] = await Promise.all([
    currentStatus(pve, vm, ctx),
    readConfig(pve, vm, ctx),
  ]);
  const running = status.status === 'running';
  return {
    powerState: powerState(status.status, status.qmpstatus),
    ips: running && status.agent ? await guestIps(pve, vm, ctx) : [],
    consoleUrl: consoleUrl(pve.client.baseUrl, vm),
    raw: {
      vmid: vm.vmid,
      node: vm.node,
      name: config.name,
      status: status.status,
      qmpstatus: status.qmpstatus,
      lock: status.lock,
      owner: readOwner(config.description).uid,
      cores: config.cores,
      memory: config.memory,
      tags: config.tags,
    },
  };
}

export async function listVms(pve: PveContext, ctx: CallContext): Promise<VMSummary[]> {
  const vms = (await qemuResources(pve, ctx)).filter((vm) => !vm.template);
  return vms.map((vm) => ({
    id: String(vm.vmid),
    name: vm.name ?? '',
    powerState: powerState(vm.status),
    ips: [],
    cpu: vm.maxcpu ?? 0,
    memoryMiB: Math.round((vm.maxmem ?? 0) / MiB),
    disks: [],
    networks: [],
    raw: Object.fromEntries(
      Object.entries({ node: vm.node, status: vm.status, tags: vm.tags, lock: vm.lock }).filter(
        (entry): entry is [string, string] => entry[1] !== undefined,
      ),
    ),
  }));
}

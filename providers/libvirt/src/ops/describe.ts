// Describe and ListVMs: power state, IPs (guest agent, DHCP lease, ARP, whichever answers), the
// console URL and the hardware; the next-boot configuration is what ListVMs reports as cpu/memory,
// with the live values in `raw` when a change waits for the next boot.
import type { CallContext, Description, Owner, VMSummary } from '@virtrigaud/provider-sdk';
import type { LibvirtContext } from '../context';
import type { ParsedDomain, ParsedGraphics } from '../domain/parse-domain-xml';
import { isActive, powerState } from '../domain/power-state';
import { findVm } from './find-vm';

const IP_SOURCES = ['agent', 'lease', 'arp'] as const;
const WILDCARD = new Set(['0.0.0.0', '::', '']);

export async function describeVm(
  lv: LibvirtContext,
  ctx: CallContext,
  id: string,
  owner?: Owner,
): Promise<Description | undefined> {
  const config = await findVm(lv, id, ctx.signal);
  if (!config) return undefined;
  if (owner?.uid && config.metadata?.owner.uid !== owner.uid) return undefined;
  const state = await lv.domains.state(id, ctx.signal);
  const live = isActive(state) ? await lv.domains.find(id, { signal: ctx.signal }) : undefined;
  const ips = live ? await addresses(lv, id, ctx.signal) : [];
  const consoleUrl = live ? consoleUrlOf(live.graphics[0], lv.host) : undefined;
  return {
    powerState: powerState(state),
    ips,
    ...(consoleUrl ? { consoleUrl } : {}),
    raw: rawDetails(config, state, live),
  };
}

export async function listVms(lv: LibvirtContext, ctx: CallContext): Promise<VMSummary[]> {
  const domains = await lv.domains.managed(ctx.signal);
  return domains.map(({ config, state }) => ({
    id: config.uuid,
    name: config.name,
    powerState: powerState(state),
    ips: [],
    cpu: config.cpu,
    memoryMiB: config.memoryMiB,
    disks: config.disks
      .filter((disk) => disk.device === 'disk')
      .map((disk) => ({
        id: disk.target,
        path: disk.volume ? `${disk.pool}/${disk.volume}` : (disk.path ?? ''),
        sizeGiB: 0,
        format: disk.format ?? '',
      })),
    networks: config.interfaces.map((nic) => ({
      name: nic.source ?? nic.type,
      mac: nic.mac ?? '',
      ipAddress: '',
    })),
    raw: {
      state,
      owner: `${config.metadata!.owner.namespace}/${config.metadata!.owner.name}`,
      ownerUid: config.metadata!.owner.uid,
    },
  }));
}

/** Addresses from every source that answers; a guest without agent or DHCP lease simply has none. */
async function addresses(lv: LibvirtContext, id: string, signal?: AbortSignal): Promise<string[]> {
  const found = new Set<string>();
  for (const source of IP_SOURCES) {
    const out = await lv.virsh
      .run(['domifaddr', '--domain', id, '--source', source], { signal, timeoutMs: 5000 })
      .catch(() => '');
    for (const match of out.matchAll(/\b(ipv4|ipv6)\s+(\S+?)(\/\d+)?\s*$/gm))
      if (!match[2].startsWith('127.') && match[2] !== '::1') found.add(match[2]);
    if (found.size > 0) break;
  }
  return [...found];
}

export function consoleUrlOf(
  graphics: ParsedGraphics | undefined,
  endpointHost: string,
): string | undefined {
  if (!graphics?.port) return undefined;
  const listen = graphics.listen ?? '';
  const host = WILDCARD.has(listen) ? endpointHost : listen;
  const bracketed = host.includes(':') ? `[${host}]` : host;
  return `${graphics.type}://${bracketed}:${graphics.port}`;
}

function rawDetails(
  config: ParsedDomain,
  state: string | undefined,
  live: ParsedDomain | undefined,
): Record<string, unknown> {
  const pendingRestart =
    live !== undefined && (live.cpu !== config.cpu || live.memoryMiB !== config.memoryMiB);
  return {
    name: config.name,
    uuid: config.uuid,
    state: state ?? 'unknown',
    cpu: config.cpu,
    memoryMiB: config.memoryMiB,
    firmware: config.firmware,
    ...(live
      ? {
          liveCpu: live.cpu,
          liveMemoryMiB: live.memoryMiB,
          maxCpu: live.maxCpu,
          maxMemoryMiB: live.maxMemoryMiB,
        }
      : {}),
    pendingRestart,
    owner: config.metadata?.owner,
    tags: config.metadata?.tags ?? [],
    image: config.metadata?.image,
    volumes: config.metadata?.volumes ?? [],
    interfaces: config.interfaces,
  };
}

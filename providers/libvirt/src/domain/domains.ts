// Domains through virsh: lookup by UUID (the VM id), XML, state, define from XML and the list of
// domains this provider manages (those carrying its metadata).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { withScratchDir } from '../scratch';
import type { Virsh } from '../virsh/virsh';
import { parseDomainXml, type ParsedDomain } from './parse-domain-xml';

export interface ManagedDomain {
  /** Next-boot (persistent) configuration. */
  config: ParsedDomain;
  state: string;
}

const LIST_CONCURRENCY = 8;

/** virDomainState values as `virsh domstate` names them. */
const DOMSTATE_NAMES = [
  'no state',
  'running',
  'idle',
  'paused',
  'in shutdown',
  'shut off',
  'crashed',
  'pmsuspended',
];

export class Domains {
  constructor(private readonly virsh: Virsh) {}

  /** The domain's XML, live or (inactive) its next-boot configuration; undefined when absent. */
  async find(id: string, opts: { inactive?: boolean; signal?: AbortSignal } = {}) {
    const xml = await this.xml(id, opts);
    return xml === undefined ? undefined : parseDomainXml(xml);
  }

  /** The domain's XML document as libvirt wrote it; undefined when absent. */
  xml(id: string, opts: { inactive?: boolean; signal?: AbortSignal } = {}) {
    const args = ['dumpxml', ...(opts.inactive ? ['--inactive'] : []), '--domain', id];
    return this.virsh.lookup(args, { signal: opts.signal });
  }

  async state(id: string, signal?: AbortSignal): Promise<string | undefined> {
    const out = await this.virsh.lookup(['domstate', '--domain', id], { signal });
    return out?.trim();
  }

  async define(xml: string, signal?: AbortSignal): Promise<void> {
    await withScratchDir(async (dir) => {
      const file = join(dir, 'domain.xml');
      await writeFile(file, xml, { mode: 0o600 });
      await this.virsh.run(['define', '--file', file], { signal });
    });
  }

  /** UUID and name of every domain, defined or running, from one `virsh list`. */
  async all(signal?: AbortSignal): Promise<{ uuid: string; name: string }[]> {
    const out = await this.virsh.run(['list', '--all', '--uuid', '--name'], { signal });
    return out
      .split('\n')
      .map((line) => line.trim().split(/\s+/))
      .filter(([uuid, name]) => uuid && name)
      .map(([uuid, name]) => ({ uuid, name }));
  }

  /** The state of every domain by name, from one `virsh domstats --state`. */
  async states(signal?: AbortSignal): Promise<Map<string, string>> {
    const out = await this.virsh.run(['domstats', '--state'], { signal });
    const states = new Map<string, string>();
    let name: string | undefined;
    for (const line of out.split('\n')) {
      const domain = /^Domain: '(.*)'$/.exec(line.trim());
      if (domain) name = domain[1];
      const state = /^state\.state=(\d+)$/.exec(line.trim());
      if (state && name !== undefined)
        states.set(name, DOMSTATE_NAMES[Number(state[1])] ?? 'no state');
    }
    return states;
  }

  /**
   * Every domain with the provider's metadata, with its state: one `list`, one `domstats` for all
   * states, and one `dumpxml` per domain (the metadata and hardware only the XML has).
   */
  async managed(signal?: AbortSignal): Promise<ManagedDomain[]> {
    const [domains, states] = await Promise.all([this.all(signal), this.states(signal)]);
    const found: ManagedDomain[] = [];
    for (let i = 0; i < domains.length; i += LIST_CONCURRENCY) {
      const batch = await Promise.all(
        domains.slice(i, i + LIST_CONCURRENCY).map(async ({ uuid }) => {
          const config = await this.find(uuid, { inactive: true, signal });
          if (!config?.metadata) return undefined;
          // Defined (or renamed) after the stats were read: asked by itself.
          const state = states.get(config.name) ?? (await this.state(uuid, signal));
          return state === undefined ? undefined : { config, state };
        }),
      );
      for (const domain of batch) if (domain) found.push(domain);
    }
    return found;
  }
}

// Pod-CIDR mode: each pod gets its own IPv4 address from the CIDR, put on the loopback interface
// (`ip addr add <ip>/32 dev lo`) while the pod runs, so every replica can listen on its declared
// ports (all on 9090, say) and a real control plane accepts the address in EndpointSlices (it
// rejects 127.0.0.0/8). Adding addresses needs CAP_NET_ADMIN: run the kubelet inside a network
// namespace of its own (`unshare -n`), never on the machine's own interfaces. The CIDR's first
// host address is the node's; pods get the ones after it.
import { execFile } from 'node:child_process';
import os from 'node:os';
import { promisify } from 'node:util';
import type { PodAddress, PodNetwork } from './pod-network';

const run = promisify(execFile);

function toNumber(ip: string): number | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255))
    return undefined;
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

function toAddress(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

/** `198.18.0.0/16` -> its first and last host address; throws naming `field` when malformed. */
export function parseCidr(cidr: string, field = 'podCIDR'): { first: number; last: number } {
  const [ip, bits, extra] = cidr.split('/');
  const base = toNumber(ip ?? '');
  const prefix = /^\d{1,2}$/.test(bits ?? '') ? Number(bits) : NaN;
  if (base === undefined || extra !== undefined || !(prefix >= 8 && prefix <= 29))
    throw new Error(
      `${field}: ${JSON.stringify(cidr)} is not an IPv4 CIDR with a prefix length from 8 to 29 (e.g. 198.18.0.0/16)`,
    );
  const size = 2 ** (32 - prefix);
  const network = base - (base % size);
  if (network !== base)
    throw new Error(
      `${field}: ${JSON.stringify(cidr)} has host bits set (did you mean ${toAddress(network)}/${prefix}?)`,
    );
  return { first: network + 1, last: network + size - 2 };
}

/**
 * Why this process must not put pod addresses on `lo`, if it must not: a fresh `unshare -n`
 * namespace has nothing but `lo`, the machine's own namespace has real interfaces.
 */
export function notOwnNetworkNamespace(): string | undefined {
  const others = Object.keys(os.networkInterfaces()).filter((name) => name !== 'lo');
  return others.length
    ? `not inside a network namespace of its own (unshare -n): it has ${others.join(', ')} besides lo`
    : undefined;
}

export class PodCidrNetwork implements PodNetwork {
  readonly hostIP: string;
  private readonly first: number;
  private readonly last: number;
  private readonly used = new Set<number>();
  private next: number;

  constructor(
    readonly cidr: string,
    /** The interface pods' addresses go on; only ever the namespace's own loopback. */
    private readonly device = 'lo',
  ) {
    const { first, last } = parseCidr(cidr);
    const refused = notOwnNetworkNamespace();
    if (refused) throw new Error(`podCIDR: refusing to add pod addresses to ${device}: ${refused}`);
    this.hostIP = toAddress(first);
    this.first = first + 1;
    this.last = last;
    this.next = this.first;
  }

  async attach(containerPorts: number[], previousIP?: string): Promise<PodAddress> {
    const ip = this.allocate(previousIP);
    try {
      await run('ip', ['addr', 'add', `${toAddress(ip)}/32`, 'dev', this.device]);
    } catch (error) {
      // A kubelet that died without cleaning up may have left the address; it is ours to reuse.
      if (!/File exists/.test(String((error as { stderr?: string }).stderr))) {
        this.used.delete(ip);
        throw new Error(
          `cannot add pod address ${toAddress(ip)} to ${this.device} (pod CIDR mode needs CAP_NET_ADMIN, e.g. inside unshare -n as root): ${String((error as { stderr?: string }).stderr ?? error).trim()}`,
        );
      }
    }
    return {
      podIP: toAddress(ip),
      hostIP: this.hostIP,
      ports: new Map(containerPorts.map((port) => [port, port])),
    };
  }

  async detach(address: PodAddress): Promise<void> {
    const ip = toNumber(address.podIP)!;
    if (!this.used.delete(ip)) return;
    await run('ip', ['addr', 'del', `${address.podIP}/32`, 'dev', this.device]).catch(
      () => undefined, // already gone
    );
  }

  private allocate(previousIP?: string): number {
    const previous = previousIP === undefined ? undefined : toNumber(previousIP);
    if (
      previous !== undefined &&
      previous >= this.first &&
      previous <= this.last &&
      !this.used.has(previous)
    ) {
      this.used.add(previous);
      return previous;
    }
    for (let tried = 0; tried <= this.last - this.first; tried++) {
      const candidate = this.next;
      this.next = candidate >= this.last ? this.first : candidate + 1;
      if (!this.used.has(candidate)) {
        this.used.add(candidate);
        return candidate;
      }
    }
    throw new Error(`pod CIDR ${this.cidr} has no free address left`);
  }
}

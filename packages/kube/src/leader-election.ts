// Leader election on a coordination.k8s.io/v1 Lease, with client-go's rules: a lease is free when
// its holder has not renewed it for leaseDuration as observed on *our* clock (no clock-skew
// trust), every write carries the resourceVersion we read (two candidates cannot both win), and a
// leader that cannot renew within renewDeadline steps down.
import type { Logger } from 'pino';
import type { KubeClient } from './client';
import { isConflict, isAlreadyExists } from './errors';
import { KubeResources } from './resources';
import type { KubeObject } from './types';

export interface LeaderElectionOptions {
  namespace: string;
  name: string;
  identity: string;
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
  log: Logger;
}

interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

type Lease = KubeObject & { spec?: LeaseSpec };

export class LeaderElector {
  private observedRecord = '';
  private observedAt = 0;
  private stopped = false;
  private leading = false;
  private timer: NodeJS.Timeout | undefined;
  private wake: (() => void) | undefined;

  constructor(
    private readonly client: KubeClient,
    private readonly options: LeaderElectionOptions,
  ) {}

  get isLeader(): boolean {
    return this.leading;
  }

  /** Resolves once this process holds the lease (or never, if stopped first). */
  async acquire(): Promise<boolean> {
    while (!this.stopped) {
      const acquired = await this.tryAcquireOrRenew().catch((err: unknown) => {
        this.options.log.warn({ err: String(err) }, 'leader election attempt failed');
        return false;
      });
      if (acquired) {
        this.leading = true;
        this.options.log.info({ lease: this.options.name }, 'became leader');
        return true;
      }
      await this.sleep(this.options.retryPeriodMs);
    }
    return false;
  }

  /** Renews until stopped; calls onLost (once) when renewal fails past the renew deadline. */
  keepRenewing(onLost: () => void): void {
    let lastRenew = Date.now();
    const tick = async () => {
      if (this.stopped) return;
      const renewed = await this.tryAcquireOrRenew().catch(() => false);
      if (renewed) lastRenew = Date.now();
      else if (Date.now() - lastRenew > this.options.renewDeadlineMs) {
        this.leading = false;
        this.options.log.error({ lease: this.options.name }, 'lost leadership');
        onLost();
        return;
      }
      this.timer = setTimeout(tick, this.options.retryPeriodMs);
    };
    this.timer = setTimeout(tick, this.options.retryPeriodMs);
  }

  /** Stops renewing and hands the lease back so a standby takes over at once. */
  async release(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.wake?.();
    if (!this.leading) return;
    this.leading = false;
    const lease = await this.read().catch(() => undefined);
    if (!lease || lease.spec?.holderIdentity !== this.options.identity) return;
    const spec: LeaseSpec = {
      ...lease.spec,
      holderIdentity: '',
      leaseDurationSeconds: 1,
      renewTime: microTime(new Date()),
    };
    await this.client.replace(KubeResources.Lease, { ...lease, spec }).catch(() => undefined);
  }

  private async tryAcquireOrRenew(): Promise<boolean> {
    const now = new Date();
    const { identity, leaseDurationMs, namespace, name } = this.options;
    const lease = await this.read();
    const leaseDurationSeconds = Math.ceil(leaseDurationMs / 1000);
    if (!lease) {
      const fresh: Lease = {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { namespace, name },
        spec: {
          holderIdentity: identity,
          leaseDurationSeconds,
          acquireTime: microTime(now),
          renewTime: microTime(now),
          leaseTransitions: 0,
        },
      };
      return this.write(() => this.client.create(KubeResources.Lease, fresh));
    }
    const spec = lease.spec ?? {};
    const record = `${spec.holderIdentity}|${spec.renewTime}`;
    if (record !== this.observedRecord) {
      this.observedRecord = record;
      this.observedAt = now.getTime();
    }
    const heldByOther = !!spec.holderIdentity && spec.holderIdentity !== identity;
    const holderDuration = (spec.leaseDurationSeconds ?? leaseDurationSeconds) * 1000;
    if (heldByOther && this.observedAt + holderDuration > now.getTime()) return false;
    const next: LeaseSpec = {
      holderIdentity: identity,
      leaseDurationSeconds,
      renewTime: microTime(now),
      acquireTime: heldByOther || !spec.holderIdentity ? microTime(now) : spec.acquireTime,
      leaseTransitions: (spec.leaseTransitions ?? 0) + (spec.holderIdentity === identity ? 0 : 1),
    };
    return this.write(() => this.client.replace(KubeResources.Lease, { ...lease, spec: next }));
  }

  private read(): Promise<Lease | undefined> {
    return this.client.get<Lease>(KubeResources.Lease, this.options.namespace, this.options.name);
  }

  private async write(op: () => Promise<Lease>): Promise<boolean> {
    try {
      const written = await op();
      this.observedRecord = `${written.spec?.holderIdentity}|${written.spec?.renewTime}`;
      this.observedAt = Date.now();
      return true;
    } catch (err) {
      if (isConflict(err) || isAlreadyExists(err)) return false;
      throw err;
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

/** Lease times are MicroTime: RFC 3339 with microseconds. */
function microTime(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

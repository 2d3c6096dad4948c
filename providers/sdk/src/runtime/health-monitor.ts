// grpc.health.v1 status and the health gauges follow the hypervisor: SERVING only while
// backend.validate succeeds. Probed at start, periodically, and right after a call reported the
// hypervisor UNAVAILABLE. A successful probe also refreshes provider_vms_total from ListVMs, so
// scrapes never reach the hypervisor.
import { HEALTH_SERVICE_NAME, type HealthImplementation } from '@virtrigaud/proto';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { HypervisorBackend } from '../backend';
import type { ProviderMetrics } from '../observability/metrics';

export interface HealthMonitorOptions {
  intervalMs: number;
  /** Longest a probe may take before it counts as failed. */
  timeoutMs: number;
}

export class HealthMonitor {
  private serving = false;
  private probing?: Promise<boolean>;
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly backend: HypervisorBackend,
    private readonly health: HealthImplementation,
    private readonly metrics: ProviderMetrics,
    private readonly log: Logger,
    private readonly options: HealthMonitorOptions,
  ) {}

  get isServing(): boolean {
    return this.serving;
  }

  /** First probe, then one every interval. */
  async start(): Promise<void> {
    await this.probe();
    this.timer = setInterval(() => void this.probe(), this.options.intervalMs);
    this.timer.unref();
  }

  /** Runs one probe (joining one already running) and returns whether the provider serves. */
  probe(): Promise<boolean> {
    if (this.stopped) return Promise.resolve(false);
    this.probing ??= this.runProbe().finally(() => (this.probing = undefined));
    return this.probing;
  }

  /** The result of an explicit Validate call counts like a probe. */
  record(ok: boolean, reason?: string): void {
    if (this.stopped) return;
    if (ok !== this.serving) {
      if (ok) this.log.info('hypervisor reachable: serving');
      else this.log.warn({ reason }, 'hypervisor unreachable: not serving');
    }
    this.serving = ok;
    const status = ok ? 'SERVING' : 'NOT_SERVING';
    this.health.setStatus('', status);
    this.health.setStatus(HEALTH_SERVICE_NAME, status);
    this.metrics.setHealthy(ok);
  }

  /** NOT_SERVING from now on (shutdown). */
  stop(): void {
    this.record(false, 'shutting down');
    this.stopped = true;
    clearInterval(this.timer);
  }

  private async runProbe(): Promise<boolean> {
    const signal = AbortSignal.timeout(this.options.timeoutMs);
    const ctx = { correlationId: `health-${randomUUID()}`, signal, log: this.log };
    try {
      await this.backend.validate(ctx);
    } catch (err) {
      this.record(false, (err as Error).message);
      return false;
    }
    this.record(true);
    try {
      const vms = await this.backend.listVMs(ctx);
      this.metrics.setVmCounts(vms.map((vm) => vm.powerState));
    } catch (err) {
      // The gauge keeps its last value; health only follows validate.
      this.log.debug({ err }, 'could not refresh VM counts');
    }
    return true;
  }
}

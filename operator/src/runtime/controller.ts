// A controller in controller-runtime's shape: informer events become object keys in a rate-limited
// work queue, and N workers run the reconciler for one key at a time each. Reconcilers are
// level-triggered (they read the current state from the caches, never the event), so merging
// several events for one key into one reconcile is always correct.
import {
  defaultControllerRateLimiter,
  keyOf,
  parseKey,
  WorkQueue,
  type Informer,
  type KubeObject,
  type ObjectKey,
} from '@virtrigaud/kube';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { ManagerMetrics } from '../observability/metrics';

export interface ReconcileContext {
  log: Logger;
  /** Sent to providers as gRPC metadata x-correlation-id. */
  correlationId: string;
  /** How many times this key failed in a row (0 on a fresh attempt). */
  retries: number;
}

export interface ReconcileResult {
  /** Reconcile this key again after the delay, without counting it as a failure. */
  requeueAfterMs?: number;
}

export interface Reconciler {
  reconcile(request: ObjectKey, ctx: ReconcileContext): Promise<ReconcileResult | void>;
}

/**
 * An error retrying cannot fix, as controller-runtime's reconcile.TerminalError: the reconciler
 * has already shown it to the user (a condition, an event). The controller logs and counts it and
 * does not retry with backoff; the key comes back with the next watch event (the user fixing the
 * input) or, when the controller has `terminalErrorRetryMs`, after that long (a provider may
 * accept the same request later).
 */
export class TerminalError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TerminalError';
  }
}

export type MapFunction<T> = (obj: T, old: T | undefined) => string[];

export interface ControllerOptions {
  name: string;
  concurrency: number;
  log: Logger;
  metrics: ManagerMetrics;
  /** When to look again at a key whose reconcile threw a TerminalError; default: at its next event. */
  terminalErrorRetryMs?: number;
  /** Failure backoff bounds; defaults 5 ms .. 5 min. */
  baseDelayMs?: number;
  maxDelayMs?: number;
}

export class Controller {
  readonly queue: WorkQueue;
  private workers: Promise<void>[] = [];
  private readonly log: Logger;

  constructor(
    private readonly reconciler: Reconciler,
    private readonly options: ControllerOptions,
  ) {
    this.log = options.log.child({ controller: options.name });
    this.queue = new WorkQueue(
      defaultControllerRateLimiter({
        baseDelayMs: options.baseDelayMs,
        maxDelayMs: options.maxDelayMs,
      }),
      options.metrics.queueObserver(options.name),
    );
  }

  get name(): string {
    return this.options.name;
  }

  /** Enqueues the object itself on every add/update/delete. */
  watchesOwn<T extends KubeObject>(informer: Informer<T>): this {
    return this.watches(informer, (obj) => [keyOf(obj)]);
  }

  /** Enqueues the keys `map` derives from a related object (owner, referrers, ...). */
  watches<T extends KubeObject>(informer: Informer<T>, map: MapFunction<T>): this {
    informer.on((_type, obj, old) => {
      for (const key of map(obj, old)) this.queue.add(key);
    });
    return this;
  }

  enqueue(key: string): void {
    this.queue.add(key);
  }

  start(): void {
    for (let i = 0; i < this.options.concurrency; i++) this.workers.push(this.work());
  }

  /** Stops taking new keys and waits for the reconciles in flight. */
  async stop(): Promise<void> {
    this.queue.shutDown();
    await Promise.all(this.workers);
    this.workers = [];
  }

  private async work(): Promise<void> {
    for (;;) {
      const key = await this.queue.get();
      if (key === undefined) return;
      try {
        await this.reconcileKey(key);
      } finally {
        this.queue.done(key);
      }
    }
  }

  private async reconcileKey(key: string): Promise<void> {
    const { metrics, name } = this.options;
    const correlationId = randomUUID();
    const log = this.log.child({ key, correlationId });
    const end = metrics.reconcileDuration.startTimer({ controller: name });
    try {
      const result = await this.reconciler.reconcile(parseKey(key), {
        log,
        correlationId,
        retries: this.queue.retries(key),
      });
      this.queue.forget(key);
      if (result?.requeueAfterMs !== undefined) {
        this.queue.addAfter(key, result.requeueAfterMs);
        metrics.reconciles.inc({ controller: name, result: 'requeue' });
      } else {
        metrics.reconciles.inc({ controller: name, result: 'success' });
      }
    } catch (err) {
      if (err instanceof TerminalError) {
        this.queue.forget(key);
        metrics.reconciles.inc({ controller: name, result: 'terminal' });
        metrics.terminalReconcileErrors.inc({ controller: name });
        log.warn({ err: err.message }, 'reconcile failed; not retrying until the object changes');
        const retryMs = this.options.terminalErrorRetryMs;
        if (retryMs !== undefined) this.queue.addAfter(key, retryMs);
        return;
      }
      metrics.reconciles.inc({ controller: name, result: 'error' });
      metrics.reconcileErrors.inc({ controller: name });
      log.warn({ err: errorSummary(err), retries: this.queue.retries(key) }, 'reconcile failed');
      this.queue.addRateLimited(key);
    } finally {
      end();
    }
  }
}

function errorSummary(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

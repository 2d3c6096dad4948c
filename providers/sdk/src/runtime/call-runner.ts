// What happens around every RPC, once: correlation id (from `x-correlation-id` or generated, echoed
// back, on every log line), the abort signal handed to the backend (client cancel, the call's
// deadline, the per-operation timeout, shutdown), error → status mapping with secrets scrubbed,
// metrics and logs, and the in-flight set graceful shutdown drains.
import {
  Metadata,
  status,
  type handleUnaryCall,
  type ServerUnaryCall,
  type sendUnaryData,
} from '@grpc/grpc-js';
import { randomUUID } from 'node:crypto';
import type { Level, Logger } from 'pino';
import { ActiveCall } from './active-call';
import type { CallContext } from '../backend';
import { ProviderError } from '../errors';
import { CORRELATION_ID_HEADER } from '../client/provider-client';
import { STATUS_SUCCESS } from '../observability/metric-names';
import type { ProviderMetrics } from '../observability/metrics';
import type { Scrub } from '../observability/secret-scrubber';

/** RPCs that only read; logged at debug so a busy poller does not flood the log. */
const READ_ONLY = new Set([
  'Validate',
  'Describe',
  'TaskStatus',
  'GetCapabilities',
  'ListCapabilities',
  'ListVMs',
]);
const CORRELATION_ID = /^[\x21-\x7e]{1,128}$/;
/**
 * grpc-js times a deadline on the event loop's clock, which lags the wall clock by however long the
 * current turn of the loop has run, so its timer may fire a little before `deadline` as Date.now()
 * sees it. A cancel this close to the deadline is the deadline.
 */
const DEADLINE_CLOCK_SLACK_MS = 25;

export interface CallRunnerDeps {
  log: Logger;
  metrics: ProviderMetrics;
  scrub: Scrub;
  /** Per-operation timeout of an RPC (ms). */
  timeoutMs(rpc: string): number;
  /** Told when the backend said the hypervisor is unavailable, to re-probe health. */
  onUnavailable(): void;
}

class CancelledByClient extends Error {}

export class CallRunner {
  private readonly inFlight = new Set<ActiveCall>();
  private drainWaiters: (() => void)[] = [];

  constructor(private readonly deps: CallRunnerDeps) {}

  get inFlightCount(): number {
    return this.inFlight.size;
  }

  /** Resolves once every call in flight has answered. */
  drained(): Promise<void> {
    if (this.inFlight.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  /** Aborts every call in flight (grace period over). */
  abortAll(reason: ProviderError): void {
    // A copy: an aborted call leaves the set.
    for (const call of [...this.inFlight]) call.abort(reason);
  }

  unary<Req, Res>(
    rpc: string,
    handle: (request: Req, ctx: CallContext) => Promise<Res>,
  ): handleUnaryCall<Req, Res> {
    return (call, callback) => this.run(rpc, call, callback, handle);
  }

  private run<Req, Res>(
    rpc: string,
    call: ServerUnaryCall<Req, Res>,
    callback: sendUnaryData<Res>,
    handle: (request: Req, ctx: CallContext) => Promise<Res>,
  ): void {
    const started = performance.now();
    const correlationId = correlationIdOf(call.metadata);
    const echo = new Metadata();
    echo.set(CORRELATION_ID_HEADER, correlationId);
    call.sendMetadata(echo);
    const deadline = deadlineOf(call);
    // grpc-js ends a call at its deadline and reports it cancelled: that is a deadline, not a
    // client's cancel.
    const onCancel = () =>
      active.abort(
        Date.now() >= deadline - DEADLINE_CLOCK_SLACK_MS
          ? deadlineExceeded(rpc)
          : new CancelledByClient('cancelled by the client'),
      );
    // The call's first outcome (backend result, deadline, timeout, cancel, shutdown) answers it.
    const answer = (failed: boolean, outcome: unknown) => {
      if (!active.settle()) return;
      clearTimeout(timer);
      call.removeListener('cancelled', onCancel);
      this.leave(active);
      if (!failed) {
        this.finish(rpc, STATUS_SUCCESS, started, active);
        callback(null, outcome as Res);
        return;
      }
      const failure = this.toStatus(outcome, active);
      this.finish(rpc, status[failure.code], started, active, failure);
      callback({ code: failure.code, details: failure.details, metadata: echo });
    };
    const active = new ActiveCall(correlationId, rpc, this.deps.log, (reason) =>
      answer(true, reason),
    );
    this.logAt('debug', active, 'call started');
    const timer = this.armTimeout(rpc, deadline, active);
    call.on('cancelled', onCancel);
    this.inFlight.add(active);
    handle(call.request, active).then(
      (response) => answer(false, response),
      (err: unknown) => answer(true, err),
    );
  }

  private leave(active: ActiveCall): void {
    this.inFlight.delete(active);
    if (this.inFlight.size === 0 && this.drainWaiters.length > 0) {
      for (const resolve of this.drainWaiters.splice(0)) resolve();
    }
  }

  /**
   * Aborts when the operation's timeout comes before the call's deadline. A deadline that comes
   * first needs no timer of ours: grpc-js ends the call at its deadline and reports it cancelled,
   * which aborts the backend (`onCancel`), and a second timer per call is measurable on a fast one.
   */
  private armTimeout(
    rpc: string,
    deadline: number,
    active: ActiveCall,
  ): NodeJS.Timeout | undefined {
    const timeoutMs = this.deps.timeoutMs(rpc);
    if (!Number.isFinite(timeoutMs) || deadline - Date.now() <= timeoutMs) return undefined;
    // The error is built only when the timer fires: an Error captures a stack, which costs more
    // than the rest of a fast call.
    return setTimeout(
      () =>
        active.abort(
          new ProviderError(
            'DEADLINE_EXCEEDED',
            `${rpc}: timed out after ${timeoutMs} ms (per-operation timeout)`,
          ),
        ),
      timeoutMs,
    );
  }

  private toStatus(err: unknown, active: ActiveCall): { code: status; details: string } {
    if (err instanceof CancelledByClient) return { code: status.CANCELLED, details: err.message };
    if (err instanceof ProviderError) {
      if (err.code === 'UNAVAILABLE') this.deps.onUnavailable();
      return { code: err.grpcCode, details: this.deps.scrub(err.message) };
    }
    // Unexpected errors may carry hypervisor internals: logged (scrubbed), never sent.
    active.log.error({ err }, 'unexpected backend error');
    return {
      code: status.INTERNAL,
      details: 'internal provider error; see the provider log for this correlation id',
    };
  }

  private finish(
    rpc: string,
    outcome: string,
    started: number,
    active: ActiveCall,
    failure?: { details: string },
  ): void {
    const seconds = (performance.now() - started) / 1000;
    this.deps.metrics.observeCall(rpc, outcome, seconds);
    const level: Level =
      outcome === 'INTERNAL' ? 'error' : failure ? 'warn' : READ_ONLY.has(rpc) ? 'debug' : 'info';
    if (!this.deps.log.isLevelEnabled(level)) return;
    const fields = {
      status: outcome,
      durationMs: Math.round(seconds * 1e4) / 10,
      ...(failure && { error: failure.details }),
    };
    active.log[level](fields, failure ? 'call failed' : 'call done');
  }

  private logAt(level: Level, active: ActiveCall, message: string): void {
    if (this.deps.log.isLevelEnabled(level)) active.log[level](message);
  }
}

/** The call's deadline as epoch milliseconds (Infinity when the client set none). */
function deadlineOf(call: ServerUnaryCall<unknown, unknown>): number {
  const deadline = call.getDeadline();
  return deadline instanceof Date ? deadline.getTime() : deadline;
}

function deadlineExceeded(rpc: string): ProviderError {
  return new ProviderError('DEADLINE_EXCEEDED', `${rpc}: the call's deadline passed`);
}

function correlationIdOf(metadata: Metadata): string {
  const value = metadata.get(CORRELATION_ID_HEADER)[0];
  return typeof value === 'string' && CORRELATION_ID.test(value) ? value : randomUUID();
}

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

export interface CallRunnerDeps {
  log: Logger;
  metrics: ProviderMetrics;
  scrub: Scrub;
  /** Per-operation timeout of an RPC (ms). */
  timeoutMs(rpc: string): number;
  /** Told when the backend said the hypervisor is unavailable, to re-probe health. */
  onUnavailable(): void;
}

interface InFlight {
  controller: AbortController;
  done: Promise<unknown>;
}

class CancelledByClient extends Error {}

export class CallRunner {
  private readonly inFlight = new Set<InFlight>();

  constructor(private readonly deps: CallRunnerDeps) {}

  get inFlightCount(): number {
    return this.inFlight.size;
  }

  /** Resolves once every call in flight has answered. */
  async drained(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight].map((c) => c.done));
  }

  /** Aborts every call in flight (grace period over). */
  abortAll(reason: ProviderError): void {
    for (const call of this.inFlight) call.controller.abort(reason);
  }

  unary<Req, Res>(
    rpc: string,
    handle: (request: Req, ctx: CallContext) => Promise<Res>,
  ): handleUnaryCall<Req, Res> {
    return (call, callback) => {
      const inFlight: InFlight = { controller: new AbortController(), done: Promise.resolve() };
      inFlight.done = this.run(rpc, call, callback, handle, inFlight.controller).finally(() =>
        this.inFlight.delete(inFlight),
      );
      this.inFlight.add(inFlight);
    };
  }

  private async run<Req, Res>(
    rpc: string,
    call: ServerUnaryCall<Req, Res>,
    callback: sendUnaryData<Res>,
    handle: (request: Req, ctx: CallContext) => Promise<Res>,
    controller: AbortController,
  ): Promise<void> {
    const started = performance.now();
    const correlationId = correlationIdOf(call.metadata);
    const echo = new Metadata();
    echo.set(CORRELATION_ID_HEADER, correlationId);
    call.sendMetadata(echo);
    const log = this.callLogger(correlationId, rpc);
    this.logAt('debug', log, undefined, 'call started');
    const deadline = deadlineOf(call);
    const stopTimer = this.armTimeout(rpc, deadline, controller);
    // grpc-js also reports a call whose deadline passed as cancelled, and that event may come
    // before our own deadline timer fires: it is still a deadline, not a client's cancel.
    const onCancel = () =>
      controller.abort(
        Date.now() >= deadline
          ? deadlineExceeded(rpc)
          : new CancelledByClient('cancelled by the client'),
      );
    call.once('cancelled', onCancel);
    try {
      const response = await raceAbort(
        handle(call.request, {
          correlationId,
          signal: controller.signal,
          get log() {
            return log();
          },
        }),
        controller.signal,
      );
      this.finish(rpc, STATUS_SUCCESS, started, log);
      callback(null, response);
    } catch (err) {
      const failure = this.toStatus(err, log());
      this.finish(rpc, status[failure.code], started, log, failure);
      callback({ code: failure.code, details: failure.details, metadata: echo });
    } finally {
      stopTimer();
      call.removeListener('cancelled', onCancel);
    }
  }

  /** Aborts at the call's deadline or the operation's timeout, whichever comes first. */
  private armTimeout(rpc: string, deadline: number, controller: AbortController): () => void {
    const deadlineMs = deadline - Date.now();
    const timeoutMs = this.deps.timeoutMs(rpc);
    const waitMs = Math.max(0, Math.min(deadlineMs, timeoutMs));
    if (!Number.isFinite(waitMs)) return () => undefined;
    // The reason is built only when the timer fires: an Error captures a stack, which costs more
    // than the rest of a fast call.
    const reason = () =>
      deadlineMs <= timeoutMs
        ? deadlineExceeded(rpc)
        : new ProviderError(
            'DEADLINE_EXCEEDED',
            `${rpc}: timed out after ${timeoutMs} ms (per-operation timeout)`,
          );
    const timer = setTimeout(() => controller.abort(reason()), waitMs);
    return () => clearTimeout(timer);
  }

  private toStatus(err: unknown, log: Logger): { code: status; details: string } {
    if (err instanceof CancelledByClient) return { code: status.CANCELLED, details: err.message };
    if (err instanceof ProviderError) {
      if (err.code === 'UNAVAILABLE') this.deps.onUnavailable();
      return { code: err.grpcCode, details: this.deps.scrub(err.message) };
    }
    // Unexpected errors may carry hypervisor internals: logged (scrubbed), never sent.
    log.error({ err }, 'unexpected backend error');
    return {
      code: status.INTERNAL,
      details: 'internal provider error; see the provider log for this correlation id',
    };
  }

  private finish(
    rpc: string,
    outcome: string,
    started: number,
    log: () => Logger,
    failure?: { details: string },
  ): void {
    const seconds = (performance.now() - started) / 1000;
    this.deps.metrics.observeCall(rpc, outcome, seconds);
    const fields = {
      status: outcome,
      durationMs: Math.round(seconds * 1e4) / 10,
      ...(failure && { error: failure.details }),
    };
    if (outcome === 'INTERNAL') this.logAt('error', log, fields, 'call failed');
    else if (failure) this.logAt('warn', log, fields, 'call failed');
    else this.logAt(READ_ONLY.has(rpc) ? 'debug' : 'info', log, fields, 'call done');
  }

  /**
   * The call's child logger, made on first use: binding a pino child (correlation id, method,
   * redaction) costs about as much as a fast call, and a quiet Describe at info logs nothing.
   */
  private callLogger(correlationId: string, rpc: string): () => Logger {
    let child: Logger | undefined;
    return () => (child ??= this.deps.log.child({ correlationId, method: rpc }));
  }

  private logAt(
    level: Level,
    log: () => Logger,
    fields: object | undefined,
    message: string,
  ): void {
    if (this.deps.log.isLevelEnabled(level)) log()[level](fields ?? {}, message);
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

/** The backend's answer, or the abort reason as soon as the signal fires (a backend may ignore it). */
function raceAbort<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

// One RPC while it runs: the CallContext its backend sees, and the one place that decides how the
// call ends. Whatever comes first answers the client (the backend's result, the deadline, the
// per-operation timeout, the client's cancel, shutdown); everything after is ignored.
//
// Built for the hot path: a Describe against a fast backend costs a few tens of microseconds, and
// an AbortController or a pino child logger each cost a measurable part of that. Both are made
// only when the backend asks for them (`signal`, `log`), and an abort needs neither.
import type { Logger } from 'pino';
import type { CallContext } from '../backend';

export class ActiveCall implements CallContext {
  private controller?: AbortController;
  private logger?: Logger;
  private abortReason?: { reason: unknown };
  private settled = false;

  constructor(
    readonly correlationId: string,
    private readonly method: string,
    private readonly baseLog: Logger,
    /** Called once with the reason when the call is aborted before the backend answered. */
    private readonly onAbort: (reason: unknown) => void,
  ) {}

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.abortReason) this.controller.abort(this.abortReason.reason);
    }
    return this.controller.signal;
  }

  get log(): Logger {
    return (this.logger ??= this.baseLog.child({
      correlationId: this.correlationId,
      method: this.method,
    }));
  }

  get aborted(): boolean {
    return this.abortReason !== undefined;
  }

  /** Aborts the backend's work (if it listens) and ends the call with `reason`; once only. */
  abort(reason: unknown): void {
    if (this.abortReason || this.settled) return;
    this.abortReason = { reason };
    this.controller?.abort(reason);
    this.onAbort(reason);
  }

  /** True for the first outcome of the call (which then answers the client), false after. */
  settle(): boolean {
    if (this.settled) return false;
    this.settled = true;
    return true;
  }
}

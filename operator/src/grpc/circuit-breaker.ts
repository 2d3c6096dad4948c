// Per-provider circuit breaker. After `failureThreshold` consecutive transport failures
// (UNAVAILABLE, DEADLINE_EXCEEDED) calls to that provider fail fast for a cool-down that doubles
// on every re-open (capped); then one trial call is let through (half-open). A success closes it.
// This keeps a dead provider from being hammered by every VM's reconcile.
export class CircuitOpenError extends Error {
  constructor(
    readonly provider: string,
    readonly retryAfterMs: number,
  ) {
    super(
      `calls to provider ${provider} are suspended for ${retryAfterMs} ms after repeated failures`,
    );
    this.name = 'CircuitOpenError';
  }
}

export interface CircuitBreakerOptions {
  failureThreshold: number;
  baseCooldownMs: number;
  maxCooldownMs: number;
}

export const DEFAULT_BREAKER: CircuitBreakerOptions = {
  failureThreshold: 5,
  baseCooldownMs: 1000,
  maxCooldownMs: 30_000,
};

type State = 'closed' | 'open' | 'half-open';

export class CircuitBreaker {
  private state: State = 'closed';
  private failures = 0;
  private opens = 0;
  private openUntil = 0;
  private trialInFlight = false;

  constructor(
    readonly name: string,
    private readonly options: CircuitBreakerOptions = DEFAULT_BREAKER,
    private readonly onChange: (open: boolean) => void = () => {},
  ) {}

  get isOpen(): boolean {
    return this.state !== 'closed';
  }

  /** Throws CircuitOpenError when the call must not be made now. */
  admit(): void {
    if (this.state === 'closed') return;
    const now = Date.now();
    if (this.state === 'open' && now >= this.openUntil) this.state = 'half-open';
    if (this.state === 'half-open' && !this.trialInFlight) {
      this.trialInFlight = true;
      return;
    }
    throw new CircuitOpenError(
      this.name,
      Math.max(this.openUntil - now, this.options.baseCooldownMs),
    );
  }

  recordSuccess(): void {
    const wasOpen = this.state !== 'closed';
    this.state = 'closed';
    this.failures = 0;
    this.opens = 0;
    this.trialInFlight = false;
    if (wasOpen) this.onChange(false);
  }

  recordFailure(): void {
    this.trialInFlight = false;
    this.failures += 1;
    if (this.state === 'closed' && this.failures < this.options.failureThreshold) return;
    const cooldown = Math.min(
      this.options.maxCooldownMs,
      this.options.baseCooldownMs * 2 ** this.opens,
    );
    this.opens += 1;
    const wasClosed = this.state === 'closed';
    this.state = 'open';
    this.openUntil = Date.now() + cooldown;
    if (wasClosed) this.onChange(true);
  }
}

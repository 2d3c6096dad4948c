// How the manager treats each gRPC status from a provider.
import { status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';

/** The provider could not be reached or did not answer in time: retry with backoff. */
const TRANSPORT = new Set([GrpcStatus.UNAVAILABLE, GrpcStatus.DEADLINE_EXCEEDED]);
/** The provider answered but could not do it now: retry with backoff, the provider is healthy. */
const RETRYABLE = new Set([
  GrpcStatus.RESOURCE_EXHAUSTED,
  GrpcStatus.ABORTED,
  GrpcStatus.INTERNAL,
  GrpcStatus.UNKNOWN,
  GrpcStatus.CANCELLED,
]);

export class ProviderCallError extends Error {
  constructor(
    readonly provider: string,
    readonly method: string,
    readonly code: GrpcStatus,
    readonly details: string,
  ) {
    super(`${method} on provider ${provider} failed: ${GrpcStatus[code]}: ${details}`);
    this.name = 'ProviderCallError';
  }

  get codeName(): string {
    return GrpcStatus[this.code] ?? String(this.code);
  }

  /** Transport failures count toward the circuit breaker. */
  get isTransport(): boolean {
    return TRANSPORT.has(this.code);
  }

  /** Everything else (INVALID_ARGUMENT, ALREADY_EXISTS, ...) needs a change by the user. */
  get isPermanent(): boolean {
    return !TRANSPORT.has(this.code) && !RETRYABLE.has(this.code);
  }
}

export function toProviderCallError(
  provider: string,
  method: string,
  err: ServiceError,
): ProviderCallError {
  return new ProviderCallError(
    provider,
    method,
    err.code ?? GrpcStatus.UNKNOWN,
    err.details ?? err.message,
  );
}

export function isProviderCallError(err: unknown): err is ProviderCallError {
  return err instanceof ProviderCallError;
}

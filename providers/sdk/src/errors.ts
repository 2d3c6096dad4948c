// Errors a backend throws. The runtime turns them into gRPC statuses with the same code, so a
// backend never touches grpc-js; any other thrown error becomes INTERNAL with a generic message
// (its text is logged, never sent, because it may carry hypervisor details).
import { status as GrpcStatus } from '@grpc/grpc-js';

export type ProviderErrorCode =
  | 'INVALID_ARGUMENT'
  | 'NOT_FOUND'
  | 'ALREADY_EXISTS'
  | 'FAILED_PRECONDITION'
  | 'UNAVAILABLE'
  | 'DEADLINE_EXCEEDED'
  | 'UNIMPLEMENTED'
  | 'UNAUTHENTICATED'
  | 'PERMISSION_DENIED'
  | 'RESOURCE_EXHAUSTED'
  | 'INTERNAL';

export class ProviderError extends Error {
  constructor(
    readonly code: ProviderErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ProviderError';
  }

  get grpcCode(): GrpcStatus {
    return GrpcStatus[this.code];
  }
}

/** Bad input; `field` is the request field path (e.g. `class_json.cpu`), named in the message. */
export function invalidArgument(field: string, problem: string): ProviderError {
  return new ProviderError('INVALID_ARGUMENT', `${field}: ${problem}`);
}

export function notFound(message: string): ProviderError {
  return new ProviderError('NOT_FOUND', message);
}

export function alreadyExists(message: string): ProviderError {
  return new ProviderError('ALREADY_EXISTS', message);
}

export function failedPrecondition(message: string): ProviderError {
  return new ProviderError('FAILED_PRECONDITION', message);
}

/** The hypervisor cannot be reached; the caller may retry. */
export function unavailable(message: string): ProviderError {
  return new ProviderError('UNAVAILABLE', message);
}

export function unimplemented(message: string): ProviderError {
  return new ProviderError('UNIMPLEMENTED', message);
}

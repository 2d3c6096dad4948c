// Proxmox answers → provider errors. Proxmox puts the reason in the HTTP status line (and, in
// recent versions, in `message`), per-parameter problems in `errors`, and reports most semantic
// failures (missing VM, VM locked, already running) as HTTP 500, so those are told apart by
// message. Every text passes the redactor: a secret never reaches an error.
import { ProviderError, type ProviderErrorCode } from '@virtrigaud/provider-sdk';

/** Removes known secret values (token secret, password, ticket) from any text. */
export class Redactor {
  private readonly secrets = new Set<string>();

  add(secret: string | undefined): void {
    if (secret && secret.length >= 4) this.secrets.add(secret);
  }

  redact(text: string): string {
    let result = text;
    for (const secret of this.secrets) result = result.split(secret).join('[redacted]');
    return result;
  }
}

/** An error answer of the Proxmox API. */
export class PveApiError extends ProviderError {
  constructor(
    code: ProviderErrorCode,
    message: string,
    readonly httpStatus: number,
    /** Proxmox's own message (redacted). */
    readonly pveMessage: string,
    readonly parameterErrors: Record<string, string> = {},
  ) {
    super(code, message);
  }
}

const SEMANTIC_500: [RegExp, ProviderErrorCode][] = [
  [/does not exist|no such|not found/i, 'NOT_FOUND'],
  [/already exists|already used/i, 'ALREADY_EXISTS'],
  [
    /locked|not running|already running|is running|template|only available for/i,
    'FAILED_PRECONDITION',
  ],
];

export function codeForStatus(status: number, message: string): ProviderErrorCode {
  if (status === 400) return 'INVALID_ARGUMENT';
  if (status === 401) return 'UNAUTHENTICATED';
  if (status === 403) return 'PERMISSION_DENIED';
  if (status === 404) return 'NOT_FOUND';
  if (status === 501) return 'UNIMPLEMENTED';
  if (status === 500 || status === 595) {
    const semantic = SEMANTIC_500.find(([pattern]) => pattern.test(message));
    if (semantic) return semantic[1];
  }
  return status >= 500 ? 'UNAVAILABLE' : 'INVALID_ARGUMENT';
}

export function apiError(
  what: string,
  status: number,
  pveMessage: string,
  parameterErrors: Record<string, string>,
  redactor: Redactor,
): PveApiError {
  const message = redactor.redact(pveMessage.trim());
  const fields = Object.entries(parameterErrors).map(
    ([name, problem]) => `${name}: ${redactor.redact(problem.trim())}`,
  );
  const detail = fields.length ? `${message} (${fields.join('; ')})` : message;
  return new PveApiError(
    codeForStatus(status, message),
    `Proxmox ${what}: ${detail || `HTTP ${status}`}`,
    status,
    message,
    Object.fromEntries(
      fields.map((f) => [f.slice(0, f.indexOf(':')), f.slice(f.indexOf(':') + 2)]),
    ),
  );
}

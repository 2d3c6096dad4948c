// Turns a failed virsh run into the provider error the operator understands. virsh is run with
// LC_ALL=C, so libvirt's English messages are stable enough to classify; the first `error:` line is
// kept as the message (it names the object, never a credential: the connection URI, which may hold
// credential file paths, is stripped).
import { ProviderError, type ProviderErrorCode } from '@virtrigaud/provider-sdk';

const CLASSIFIERS: [RegExp, ProviderErrorCode][] = [
  [/Host key verification failed|known_hosts|REMOTE HOST IDENTIFICATION/i, 'UNAUTHENTICATED'],
  [
    /Permission denied \(publickey|authentication failed|authentication required/i,
    'UNAUTHENTICATED',
  ],
  [/access denied|Permission denied/i, 'PERMISSION_DENIED'],
  [
    /failed to connect to the hypervisor|Cannot recv data|Connection refused|Connection reset|no connection driver|End of file while reading data|Broken pipe|Cannot write data/i,
    'UNAVAILABLE',
  ],
  [
    /(Domain|Storage volume|Storage pool|Domain snapshot|Network) not found|no (domain|storage vol|storage pool|domain snapshot|network) with matching|failed to get (domain|vol|pool|snapshot)/i,
    'NOT_FOUND',
  ],
  [/already exists|exists already|is already in use|already defined/i, 'ALREADY_EXISTS'],
  [
    /domain is not running|Unknown savevm section|matches your saved VM setup|domain is already running|Requested operation is not valid|Operation not supported|cannot (set|change)/i,
    'FAILED_PRECONDITION',
  ],
  [/invalid argument|XML error|unsupported configuration/i, 'INVALID_ARGUMENT'],
];

export class VirshFailure extends ProviderError {
  constructor(
    code: ProviderErrorCode,
    message: string,
    /** The full stderr, for logs only. */
    readonly stderr: string,
  ) {
    super(code, message);
  }
}

export function firstErrorLine(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  const detailed = lines.filter(
    (line) => line.startsWith('error:') && !/^error: failed to get /.test(line),
  );
  const chosen = detailed.at(-1) ?? lines.find((line) => line.startsWith('error:')) ?? lines[0];
  return (chosen ?? 'no error output').replace(/^error:\s*/, '');
}

export function classify(stderr: string): ProviderErrorCode {
  for (const [pattern, code] of CLASSIFIERS) if (pattern.test(stderr)) return code;
  return 'INTERNAL';
}

/**
 * ssh's verdict when it refused the connection. libvirt reports ssh's whole stderr as one error
 * (starting with a banner of `@` characters for a changed host key), so the verdict is picked out
 * by itself: only the fixed phrase, never the lines around it that name credential file paths.
 */
const SSH_VERDICT = /Host key verification failed|Permission denied \([^)\n]*\)/i;

export function virshFailure(subcommand: string, stderr: string, uri: string): VirshFailure {
  const clean = uri ? stderr.split(uri).join('<endpoint>') : stderr;
  const ssh = SSH_VERDICT.exec(clean);
  const message = ssh ? `ssh: ${ssh[0]}` : firstErrorLine(clean);
  return new VirshFailure(classify(clean), `virsh ${subcommand}: ${message}`, clean);
}

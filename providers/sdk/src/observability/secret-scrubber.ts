// Redaction by construction: every credential value the runtime loaded is replaced wherever it
// would leave the process (log lines, error messages, Describe output), whatever code put it there.
const REDACTED = '[REDACTED]';
/** Shorter values would match ordinary text; credentials are longer than this in practice. */
const MIN_SECRET_LENGTH = 4;

export type Scrub = (text: string) => string;

export function createSecretScrubber(secrets: Iterable<string>): Scrub {
  const needles = new Set<string>();
  for (const secret of secrets) {
    if (secret.length < MIN_SECRET_LENGTH) continue;
    needles.add(secret);
    // As it appears inside a JSON string (a log line): quotes, backslashes, newlines escaped.
    needles.add(JSON.stringify(secret).slice(1, -1));
  }
  const sorted = [...needles].sort((a, b) => b.length - a.length);
  if (sorted.length === 0) return (text) => text;
  return (text) => {
    let result = text;
    for (const needle of sorted) {
      if (result.includes(needle)) result = result.split(needle).join(REDACTED);
    }
    return result;
  };
}

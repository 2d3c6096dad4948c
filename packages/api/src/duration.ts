// Go-style durations ("250ms", "90s", "5m", "1h30m"): the form Kubernetes users write timeouts in,
// accepted by the CRDs (DURATION_PATTERN), the operator's flags and the providers' configuration.
// The one parser of them all.
import { DURATION_PATTERN } from './schema/common';

const DURATION = new RegExp(DURATION_PATTERN);
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds of `text`; throws naming `what` (a field or flag) when it is not a duration. */
export function parseDuration(text: string, what: string): number {
  if (!DURATION.test(text)) {
    throw new Error(`${what}: "${text}" is not a duration like 500ms, 30s, 5m or 1h30m`);
  }
  let total = 0;
  for (const [, amount, unit] of text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) {
    total += Number(amount) * UNIT_MS[unit];
  }
  return total;
}

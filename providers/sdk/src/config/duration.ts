// Go-style durations ("300s", "5m", "1h30m", "250ms"), the form the seed's PROVIDER_TIMEOUT uses.
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const DURATION = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h))+$/;

/** Milliseconds of `text`; throws naming `what` when it is not a duration. */
export function parseDuration(text: string, what: string): number {
  if (!DURATION.test(text))
    throw new Error(`${what}: "${text}" is not a duration like 30s, 5m or 1h30m`);
  let total = 0;
  for (const [, amount, unit] of text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) {
    total += Number(amount) * UNIT_MS[unit];
  }
  return total;
}

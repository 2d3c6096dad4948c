// For suites that need something the machine may lack (a kubectl binary, the dev kubelet): where
// it is missing they are reported as NOT RUN, visibly (a warning and a jest "todo" naming the
// reason), instead of passing or vanishing; with CI=true the missing prerequisite fails the run.
export const NOT_RUN = 'NOT RUN';

/** `describe(name, body)` when `missing` is undefined; else a visible not-run (a failure in CI). */
export function describeOrReportNotRun(
  name: string,
  missing: string | undefined,
  body: () => void,
): void {
  if (missing === undefined) {
    describe(name, body);
  } else if (process.env.CI === 'true') {
    test(name, () => {
      throw new Error(`${name}: ${NOT_RUN} (CI=true requires it): ${missing}`);
    });
  } else {
    console.warn(`${name}: ${NOT_RUN}: ${missing}`);
    test.todo(`${name}: ${NOT_RUN}: ${missing}`);
  }
}

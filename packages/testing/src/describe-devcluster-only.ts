// For suites about what only the devcluster has (its dev kubelet, its short BOOKMARK period): on
// another server they are listed as a jest "todo" that says why, never a failure, because the
// difference is deliberate and named in the devcluster README.
export const DEVCLUSTER_ONLY = 'devcluster only';

/** `describe(name, body)` on the devcluster; on `otherServer` (a reason) a visible todo. */
export function describeDevclusterOnly(
  name: string,
  otherServer: string | undefined,
  body: () => void,
): void {
  if (otherServer === undefined) describe(name, body);
  else test.todo(`${name}: ${DEVCLUSTER_ONLY}: ${otherServer}`);
}

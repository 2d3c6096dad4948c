// For suites that always need the real control plane (they run in the ordinary jest pass): where
// its binaries are missing they are reported as not run, visibly (a jest "todo" naming the
// reason), instead of passing or vanishing; with CI=true the missing binaries fail the run.
import { missingPrerequisite } from './binaries';

export const NOT_RUN_PREFIX = 'real kube-apiserver suites NOT RUN';

export function describeOnRealControlPlane(name: string, body: () => void): void {
  const missing = missingPrerequisite();
  if (!missing) {
    describe(name, body);
  } else if (process.env.CI === 'true') {
    test(name, () => {
      throw new Error(`${NOT_RUN_PREFIX} (CI=true requires them): ${missing}`);
    });
  } else {
    console.warn(`${NOT_RUN_PREFIX}: ${missing}`);
    test.todo(`${NOT_RUN_PREFIX}: ${missing}`);
  }
}

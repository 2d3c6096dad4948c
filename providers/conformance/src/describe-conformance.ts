// The entry point a provider's jest test calls: registers every check against one started
// provider (started once in beforeAll, stopped and cleaned up in afterAll).
import { Harness } from './harness';
import { invalidInputChecks } from './checks/invalid-input';
import { lifecycleChecks } from './checks/lifecycle';
import { serviceChecks } from './checks/service';
import { snapshotAndCloneChecks } from './checks/snapshots-clone';
import type { ConformanceOptions } from './options';

export function describeConformance(name: string, options: ConformanceOptions): void {
  describe(`provider conformance: ${name}`, () => {
    const harness = new Harness(options);
    beforeAll(() => harness.start(), 120_000);
    afterAll(() => harness.stop(), harness.timeout(4));

    serviceChecks(harness);
    lifecycleChecks(harness);
    snapshotAndCloneChecks(harness);
    invalidInputChecks(harness);
  });
}

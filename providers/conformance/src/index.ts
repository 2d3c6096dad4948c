export { describeConformance } from './describe-conformance';
export { startInProcessTarget, type InProcessConfig } from './in-process-target';
export type { ConformanceFixtures, ConformanceOptions, ConformanceTarget } from './options';
export { memoryMiB } from './memory';

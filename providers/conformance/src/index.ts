export { describeConformance } from './describe-conformance';
export type { ConformanceFixtures, ConformanceOptions, ConformanceTarget } from './options';
export { memoryMiB } from './memory';

export { MockBackend, MOCK_CAPABILITIES } from './mock-backend';
export { createMockBackend, mockBackendFactory } from './create-mock-backend';
export {
  mockOptionsFrom,
  MOCK_FLAGS,
  OPTIONAL_FEATURES,
  type MockOptions,
  type OptionalFeature,
} from './mock-options';
export type { Faults } from './faults';
export { DirStore, FAULTS_FILE } from './state/dir-store';
export { MemoryStore } from './state/memory-store';
export type { MockStore } from './state/store';
export type { MockVM } from './state/mock-state';
export { decodeTaskId, encodeTaskId, type TaskInfo } from './task-id';

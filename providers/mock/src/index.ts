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
export { FileStore, MemoryStore, STATE_FILE, FAULTS_FILE, type MockStore } from './state/store';
export { decodeTaskId, encodeTaskId, type TaskInfo } from './task-id';

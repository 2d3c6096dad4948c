// The mock's BackendFactory: programmatic options (tests) or the binary's flags and environment.
import type { BackendFactory } from '@virtrigaud/provider-sdk';
import { ConnectionLimit } from './connection-limit';
import { MockBackend } from './mock-backend';
import { mockOptionsFrom, type MockOptions } from './mock-options';
import { DirStore } from './state/dir-store';
import { MemoryStore } from './state/memory-store';

const DEFAULT_TASK_LATENCY_MS = 50;

export function createMockBackend(options: MockOptions = {}): MockBackend {
  const faults = options.faults ?? {};
  const store = options.stateDir ? new DirStore(options.stateDir, faults) : new MemoryStore(faults);
  return new MockBackend(
    store,
    options.taskLatencyMs ?? DEFAULT_TASK_LATENCY_MS,
    options.disabled,
    options.connectionConcurrency === undefined
      ? undefined
      : new ConnectionLimit(options.connectionConcurrency),
  );
}

/** A factory with fixed options, or (without) reading the mock's flags and environment. */
export function mockBackendFactory(options?: MockOptions): BackendFactory {
  return (config) => {
    const resolved = options ?? mockOptionsFrom(config.flags ?? {}, process.env);
    config.log.info(
      {
        taskLatencyMs: resolved.taskLatencyMs,
        faults: resolved.faults,
        shared: Boolean(resolved.stateDir),
        disabled: resolved.disabled,
        connectionConcurrency: resolved.connectionConcurrency ?? 'unlimited',
      },
      'mock hypervisor ready',
    );
    return createMockBackend(resolved);
  };
}

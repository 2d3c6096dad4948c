// How the mock is configured: programmatically (tests) or from its flags and environment (binary).
import { parseDuration } from '@virtrigaud/api';
import type { ExtraFlags } from '@virtrigaud/provider-sdk';
import type { Faults } from './faults';

export const OPTIONAL_FEATURES = [
  'snapshots',
  'memorySnapshots',
  'linkedClones',
  'clone',
  'imageImport',
  'hardwareUpgrade',
] as const;
export type OptionalFeature = (typeof OPTIONAL_FEATURES)[number];

export interface MockOptions {
  /** How long an asynchronous operation takes before its task is done (default 50 ms). */
  taskLatencyMs?: number;
  faults?: Faults;
  /** Share state (and faults) with other replicas through this directory. */
  stateDir?: string;
  /** Operations the mock hypervisor should not offer (answered UNIMPLEMENTED). */
  disabled?: OptionalFeature[];
  /**
   * Hypervisor calls this process has in service at once, like the requests a hypervisor serves
   * per client connection (libvirtd: 5); more wait in line. Default: unlimited.
   */
  connectionConcurrency?: number;
}

/** The mock's own flags; each has an environment twin (MOCK_TASK_LATENCY, ...). Flags win. */
export const MOCK_FLAGS: ExtraFlags = {
  'mock-task-latency': { type: 'string' },
  'mock-call-latency': { type: 'string' },
  'mock-error-rate': { type: 'string' },
  'mock-hypervisor-down': { type: 'string' },
  'mock-state-dir': { type: 'string' },
  'mock-disable': { type: 'string' },
  'mock-connection-concurrency': { type: 'string' },
};

function errorRate(text: string): number {
  const rate = Number(text);
  if (!(rate >= 0 && rate <= 1))
    throw new Error(`--mock-error-rate: "${text}" is not between 0 and 1`);
  return rate;
}

function concurrency(text: string): number {
  const value = Number(text);
  if (!(Number.isInteger(value) && value >= 1))
    throw new Error(`--mock-connection-concurrency: "${text}" is not a whole number of at least 1`);
  return value;
}

function features(text: string): OptionalFeature[] {
  const names = text
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  for (const name of names) {
    if (!(OPTIONAL_FEATURES as readonly string[]).includes(name)) {
      throw new Error(`--mock-disable: "${name}" is not one of ${OPTIONAL_FEATURES.join(', ')}`);
    }
  }
  return names as OptionalFeature[];
}

export function mockOptionsFrom(
  flags: Record<string, string | boolean | undefined>,
  env: NodeJS.ProcessEnv,
): MockOptions {
  const value = (flag: string, variable: string) => {
    const text = flags[flag] ?? env[variable];
    return typeof text === 'string' && text !== '' ? text : undefined;
  };
  const taskLatency = value('mock-task-latency', 'MOCK_TASK_LATENCY');
  const callLatency = value('mock-call-latency', 'MOCK_CALL_LATENCY');
  const rate = value('mock-error-rate', 'MOCK_ERROR_RATE');
  const down = value('mock-hypervisor-down', 'MOCK_HYPERVISOR_DOWN');
  const disabled = value('mock-disable', 'MOCK_DISABLE');
  const connection = value('mock-connection-concurrency', 'MOCK_CONNECTION_CONCURRENCY');
  return {
    taskLatencyMs:
      taskLatency === undefined ? undefined : parseDuration(taskLatency, '--mock-task-latency'),
    stateDir: value('mock-state-dir', 'MOCK_STATE_DIR'),
    disabled: disabled === undefined ? [] : features(disabled),
    connectionConcurrency: connection === undefined ? undefined : concurrency(connection),
    faults: {
      callLatencyMs:
        callLatency === undefined ? 0 : parseDuration(callLatency, '--mock-call-latency'),
      errorRate: rate === undefined ? 0 : errorRate(rate),
      down: down === undefined ? false : /^(true|1|yes)$/i.test(down),
    },
  };
}

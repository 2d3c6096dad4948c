// The mock passes the conformance suite with the runtime in this process, with every optional
// feature offered, and again with snapshots and clones switched off (UNIMPLEMENTED paths).
import { describeConformance } from '@virtrigaud/provider-conformance';
import { startProviderServer } from '@virtrigaud/provider-sdk';
import { mockBackendFactory, type MockOptions } from './index';
import { collectLogs, MOCK_FIXTURES } from './testing/fixtures';

function startMock(options: MockOptions) {
  return async () => {
    const provider = await startProviderServer({
      type: 'mock',
      name: 'mock-in-process',
      endpoint: 'mock://hypervisor.example',
      createBackend: mockBackendFactory(options),
      logDestination: collectLogs(),
      logLevel: 'debug',
    });
    return {
      address: provider.address,
      metricsUrl: provider.metricsUrl,
      stop: () => provider.stop(),
    };
  };
}

describeConformance('mock, in process', {
  start: startMock({ taskLatencyMs: 20 }),
  fixtures: MOCK_FIXTURES,
  expectCapabilities: {
    supportsSnapshots: true,
    supportsLinkedClones: true,
    supportsReconfigureOnline: true,
  },
  startSlow: async () => ({
    ...(await startMock({ faults: { callLatencyMs: 2_000 } })()),
    slowMs: 2_000,
  }),
});

describeConformance('mock without snapshots and clones', {
  start: startMock({ taskLatencyMs: 5, disabled: ['snapshots', 'clone'] }),
  fixtures: { ...MOCK_FIXTURES, namePrefix: 'reduced' },
  expectCapabilities: { supportsSnapshots: false, supportsLinkedClones: false },
  supportsClone: false,
});

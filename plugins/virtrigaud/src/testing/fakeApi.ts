// Test doubles for the VirtRigaud API: every method is a jest.fn over in-memory data, and the
// live event stream is driven by the test through `emit`.
import {
  POWER_ACTION_STATES,
  type LiveEvent,
  type ObjectRef,
  type PowerAction,
  type ProviderSummary,
  type VirtrigaudApi,
  VirtrigaudApiError,
  type VmDetail,
  type VmSummary,
} from '@virtrigaud/plugin-virtrigaud-common';

export function vmSummary(overrides: Partial<VmSummary> = {}): VmSummary {
  return {
    cluster: 'dev',
    namespace: 'team-a',
    name: 'web-1',
    uid: 'uid-web-1',
    owner: 'group:default/team-a',
    phase: 'Running',
    powerState: 'On',
    desiredPowerState: 'On',
    ips: ['10.0.0.5'],
    provider: 'mock-provider',
    className: 'small',
    imageName: 'ubuntu-24-04',
    consoleURL: 'https://console.example.test/web-1',
    conditions: [
      {
        type: 'Ready',
        status: 'True',
        reason: 'VMRunning',
        message: 'The VM is running',
        lastTransitionTime: '2026-11-24T10:00:00Z',
      },
    ],
    health: { level: 'healthy', reason: 'Running' },
    deleting: false,
    createdAt: '2026-11-24T09:59:00Z',
    labels: {},
    resourceVersion: '1',
    ...overrides,
  };
}

export function vmDetail(overrides: Partial<VmDetail> = {}): VmDetail {
  const summary = vmSummary(overrides);
  return {
    ...summary,
    spec: {
      providerRef: { name: summary.provider },
      classRef: { name: summary.className },
      imageRef: { name: summary.imageName },
      powerState: summary.desiredPowerState,
    } as unknown as VmDetail['spec'],
    hypervisorId: 'mock-0001',
    ...overrides,
  };
}

export function providerSummary(overrides: Partial<ProviderSummary> = {}): ProviderSummary {
  return {
    cluster: 'dev',
    namespace: 'team-a',
    name: 'mock-provider',
    uid: 'uid-mock',
    type: 'mock',
    endpoint: 'mock-provider.team-a.svc:9090',
    replicas: { desired: 1, ready: 1 },
    hypervisorConnected: true,
    capabilities: ['snapshots', 'reconfigure-online'],
    conditions: [
      {
        type: 'Ready',
        status: 'True',
        reason: 'ProviderReady',
        message: 'All replicas ready',
        lastTransitionTime: '2026-11-24T09:00:00Z',
      },
    ],
    lastHealthCheck: '2026-11-24T10:00:00Z',
    metrics: {
      latest: {
        at: '2026-11-24T10:00:30Z',
        requestRate: 2.5,
        errorRate: 0.04,
        meanLatencySeconds: 0.012,
        windowSeconds: 30,
      },
      history: [
        {
          at: '2026-11-24T10:00:00Z',
          requestRate: 1.5,
          errorRate: 0,
          meanLatencySeconds: 0.01,
          p95LatencySeconds: 0.02,
          vmsByState: { running: 1, stopped: 0 },
          windowSeconds: 30,
        },
        {
          at: '2026-11-24T10:00:30Z',
          requestRate: 2.5,
          errorRate: 0.04,
          meanLatencySeconds: 0.012,
          p95LatencySeconds: 0.03,
          vmsByState: { running: 1, stopped: 1 },
          windowSeconds: 30,
        },
      ],
      source: 'scraper',
    },
    vmCount: 1,
    health: { level: 'healthy', reason: 'Connected to the hypervisor' },
    podLabelSelector: 'app.kubernetes.io/instance=mock-provider',
    resourceVersion: '7',
    ...overrides,
  };
}

export const notFound = (what: string) => new VirtrigaudApiError(404, `${what} not found`);

const matches = (a: ObjectRef, b: ObjectRef) =>
  a.cluster === b.cluster && a.namespace === b.namespace && a.name === b.name;

export type FakeApi = { [K in keyof VirtrigaudApi]: jest.Mock } & {
  /** Delivers an event to every open stream. */
  emit(event: LiveEvent): void;
  /** How many streams are open now. */
  openStreams(): number;
};

export function fakeApi(data: { vms?: VmDetail[]; providers?: ProviderSummary[] } = {}): FakeApi {
  const vms = data.vms ?? [vmDetail()];
  const providers = data.providers ?? [providerSummary()];
  const listeners = new Set<(event: LiveEvent) => void>();
  const page = <T>(items: T[], offset = 0, limit = 50) => ({
    items: items.slice(offset, offset + limit),
    totalCount: items.length,
    offset,
    limit,
  });
  return {
    listClusters: jest.fn(async () => ({
      items: [{ name: 'dev', synced: true, vmCount: vms.length, providerCount: providers.length }],
    })),
    listVms: jest.fn(async (query: { offset?: number; limit?: number; provider?: string } = {}) =>
      page(
        vms.filter((vm) => !query.provider || vm.provider === query.provider),
        query.offset,
        query.limit,
      ),
    ),
    getVm: jest.fn(async (ref: ObjectRef) => {
      const vm = vms.find((v) => matches(v, ref));
      if (!vm) throw notFound(`VirtualMachine ${ref.name}`);
      return vm;
    }),
    getVmEvents: jest.fn(async () => ({
      items: [
        {
          type: 'Normal',
          reason: 'PoweredOn',
          message: 'VM powered on',
          count: 1,
          lastTimestamp: '2026-11-24T10:00:00Z',
        },
      ],
    })),
    powerVm: jest.fn(async (ref: ObjectRef, action: PowerAction) => {
      const vm = vms.find((v) => matches(v, ref))!;
      if (action === 'reboot') return { ...vm, rebooting: true };
      return { ...vm, desiredPowerState: POWER_ACTION_STATES[action] };
    }),
    deleteVm: jest.fn(async () => undefined),
    listProviders: jest.fn(async () => page(providers)),
    getProvider: jest.fn(async (ref: ObjectRef) => {
      const provider = providers.find((p) => matches(p, ref));
      if (!provider) throw notFound(`Provider ${ref.name}`);
      return provider;
    }),
    listClasses: jest.fn(async () => ({
      items: [{ cluster: 'dev', namespace: 'team-a', name: 'small', cpu: 2, memory: '4Gi' }],
    })),
    listImages: jest.fn(async () => ({
      items: [
        {
          cluster: 'dev',
          namespace: 'team-a',
          name: 'ubuntu-24-04',
          osType: 'linux',
          providerTypes: ['mock'],
        },
      ],
    })),
    listNetworks: jest.fn(async () => ({
      items: [
        {
          cluster: 'dev',
          namespace: 'team-a',
          name: 'default-net',
          providerTypes: ['mock'],
          ipAllocation: 'DHCP',
        },
      ],
    })),
    streamEvents: jest.fn(
      (_query: unknown, onEvent: (event: LiveEvent) => void, signal: AbortSignal) =>
        new Promise<void>((resolve) => {
          listeners.add(onEvent);
          signal.addEventListener('abort', () => {
            listeners.delete(onEvent);
            resolve();
          });
        }),
    ),
    emit: (event) => listeners.forEach((listener) => listener(event)),
    openStreams: () => listeners.size,
  };
}

/** A promise the test settles by hand, to hold a component in its loading state. */
export function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

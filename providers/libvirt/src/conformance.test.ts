// The provider conformance suite over real gRPC against the libvirt provider on the real libvirtd
// (TCG domains booting a blank qcow2 image, in a storage pool of this run).
import { describeConformance } from '@virtrigaud/provider-conformance';
import { startProviderServer } from '@virtrigaud/provider-sdk';
import { createLibvirtBackend } from './libvirt-backend';
import { LOCAL_URI, startTestRun, type TestRun } from './testing/libvirt';

let run: TestRun;

beforeAll(async () => {
  run = await startTestRun('conf');
});
afterAll(() => run?.cleanup());

describeConformance('libvirt on a real libvirtd', {
  start: async () => {
    const server = await startProviderServer({
      type: 'libvirt',
      createBackend: createLibvirtBackend,
      endpoint: LOCAL_URI,
      namespace: 'conformance',
      name: run.prefix,
      credentials: {},
      options: { libvirt: { domainType: 'qemu', storagePool: run.pool } },
      logLevel: 'error',
      logDestination: { write: () => undefined },
    });
    return { address: server.address, metricsUrl: server.metricsUrl, stop: () => server.stop() };
  },
  fixtures: {
    class: { cpu: 1, memory: '128Mi' },
    get image() {
      return { source: { libvirt: { path: run.baseImage, format: 'qcow2' as const } } };
    },
    networks: [],
    disks: [{ name: 'data', sizeGiB: 1 }],
    placement: {},
    namePrefix: 'vrt-conformance',
  },
  expectCapabilities: {
    supportsReconfigureOnline: true,
    supportsDiskExpansionOnline: true,
    supportsSnapshots: true,
    supportsMemorySnapshots: true,
    supportsLinkedClones: true,
    supportsImageImport: true,
    supportedDiskTypes: ['qcow2', 'raw'],
    supportedNetworkTypes: ['network', 'bridge', 'user'],
  },
  taskTimeoutMs: 60_000,
});

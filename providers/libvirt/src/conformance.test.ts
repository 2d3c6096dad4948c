// The provider conformance suite over real gRPC against the libvirt provider on the real libvirtd
// (TCG domains booting a blank qcow2 image, in a storage pool of this run).
import { describeConformance, startInProcessTarget } from '@virtrigaud/provider-conformance';
import { createLibvirtBackend } from './libvirt-backend';
import { conformanceFixtures } from './testing/conformance-fixtures';
import { LOCAL_URI, startTestRun, type TestRun } from './testing/libvirt';

let run: TestRun;

beforeAll(async () => {
  run = await startTestRun('conf');
});
afterAll(() => run?.cleanup());

describeConformance('libvirt on a real libvirtd', {
  start: () =>
    startInProcessTarget('libvirt', createLibvirtBackend, {
      endpoint: LOCAL_URI,
      namespace: 'conformance',
      name: run.prefix,
      credentials: {},
      options: { libvirt: { domainType: 'qemu', storagePool: run.pool } },
    }),
  fixtures: conformanceFixtures(() => run, 'vrt-conformance'),
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

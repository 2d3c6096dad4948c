// The provider conformance suite over real gRPC against the vSphere provider on vcsim.
// `startSlow` is not offered here: deadline.test.ts already runs the provider against a second,
// slow vcsim (one more simulator process per run is enough).
import { describeConformance } from '@virtrigaud/provider-conformance';
import { startProviderServer } from '@virtrigaud/provider-sdk';
import { createVSphereBackend } from './backend/vsphere-backend';
import { backendConfig } from './testing/vcsim';

async function startProvider() {
  const config = backendConfig();
  const server = await startProviderServer({
    type: 'vsphere',
    createBackend: createVSphereBackend,
    endpoint: config.endpoint,
    namespace: config.namespace,
    name: config.name,
    credentials: config.credentials,
    options: config.options,
    logLevel: 'error',
    logDestination: { write: () => undefined },
  });
  return { server, target: { address: server.address, metricsUrl: server.metricsUrl } };
}

describeConformance('vsphere on vcsim', {
  start: async () => {
    const { server, target } = await startProvider();
    return { ...target, stop: () => server.stop() };
  },
  fixtures: {
    class: { cpu: 1, memory: '512Mi' },
    // A VM built from scratch: vcsim's CloneVM_Task ignores the clone spec's CPU/memory (vCenter
    // applies them), so template clones are covered by the backend tests instead.
    image: { source: {} },
    networks: [{ name: 'eth0', attachment: { vsphere: { portgroup: 'VM Network' } } }],
    disks: [{ name: 'data', sizeGiB: 1 }],
    placement: {},
    namePrefix: 'conformance',
  },
  expectCapabilities: {
    supportsReconfigureOnline: true,
    supportsDiskExpansionOnline: true,
    supportsSnapshots: true,
    supportsMemorySnapshots: true,
    supportsLinkedClones: true,
    supportsImageImport: false,
    supportedDiskTypes: ['thin', 'thick', 'eagerZeroedThick'],
    supportedNetworkTypes: ['standard', 'distributed'],
  },
  taskTimeoutMs: 20_000,
});

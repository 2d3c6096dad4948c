// The provider conformance suite over real gRPC against the vSphere provider on vcsim.
// `startSlow` is not offered here: deadline.test.ts already runs the provider against a second,
// slow vcsim (one more simulator process per run is enough).
import { describeConformance, startInProcessTarget } from '@virtrigaud/provider-conformance';
import { createVSphereBackend } from './backend/vsphere-backend';
import { conformanceFixtures } from './testing/conformance-fixtures';
import { backendConfig } from './testing/vcsim';

describeConformance('vsphere on vcsim', {
  start: () => startInProcessTarget('vsphere', createVSphereBackend, backendConfig()),
  fixtures: conformanceFixtures,
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

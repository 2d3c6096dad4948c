// The provider conformance suite against a libvirt Provider with `replicas: 3` (rendered by the
// manager, the provider-libvirt pods run by the dev kubelet) on one real libvirtd, behind a
// round-robin client: task ids describe the operation and are checked against the domain's state,
// and the owner is recorded in the domain's metadata, so any replica (each with its own libvirt
// connection) answers for what another one started.
import { describeConformance } from '@virtrigaud/provider-conformance';
import { conformanceFixtures } from '@virtrigaud/provider-libvirt/dist/testing/conformance-fixtures';
import {
  LOCAL_URI,
  startTestRun,
  type TestRun,
} from '@virtrigaud/provider-libvirt/dist/testing/libvirt';
import { startReplicatedHypervisorProvider } from './support/replica-target';

jest.setTimeout(15 * 60_000);

const REPLICAS = 3;
let run: TestRun;

describeConformance(`libvirt, ${REPLICAS} replicas on one libvirtd behind round robin`, {
  start: async () => {
    // libvirtd is started by the operator project's jest globalSetup (operator/jest.config.js).
    run = await startTestRun('rr');
    return startReplicatedHypervisorProvider(
      {
        name: 'virt-x3',
        type: 'libvirt',
        endpoint: LOCAL_URI,
        replicas: REPLICAS,
        defaults: { storage: run.pool },
        env: [{ name: 'LIBVIRT_DOMAIN_TYPE', value: 'qemu' }],
      },
      () => run.cleanup(),
    );
  },
  fixtures: conformanceFixtures(() => run, 'vrt-rr'),
  expectCapabilities: { supportsSnapshots: true, supportsLinkedClones: true },
  taskTimeoutMs: 60_000,
});

// The provider conformance suite against three libvirt provider replicas on one real libvirtd,
// behind a round-robin client: task ids describe the operation and are checked against the
// domain's state, and the owner is recorded in the domain's metadata, so any replica answers for
// what another one started (each holds its own libvirt connection).
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describeConformance } from '@virtrigaud/provider-conformance';
import { createLibvirtBackend } from '@virtrigaud/provider-libvirt';
import {
  LOCAL_URI,
  startTestRun,
  type TestRun,
} from '@virtrigaud/provider-libvirt/dist/testing/libvirt';
import { startInProcessReplicas } from './support/in-process-replicas';

jest.setTimeout(15 * 60_000);

const REPLICAS = 3;
const libvirtPackage = path.dirname(require.resolve('@virtrigaud/provider-libvirt/package.json'));
let run: TestRun;

/** The libvirt package's own daemon scripts; this process is registered as one of their users. */
function libvirtDaemons(script: 'ensure-libvirt.sh' | 'stop-libvirt.sh'): void {
  execFileSync(
    'bash',
    [path.join(libvirtPackage, 'scripts', script), '--holder', String(process.pid)],
    {
      stdio: 'inherit',
      timeout: 15 * 60_000,
    },
  );
}

describeConformance(`libvirt, ${REPLICAS} replicas on one libvirtd behind round robin`, {
  start: async () => {
    libvirtDaemons('ensure-libvirt.sh');
    run = await startTestRun('rr');
    const target = await startInProcessReplicas(REPLICAS, {
      type: 'libvirt',
      createBackend: createLibvirtBackend,
      endpoint: LOCAL_URI,
      namespace: 'conformance',
      name: run.prefix,
      credentials: {},
      options: { libvirt: { domainType: 'qemu', storagePool: run.pool } },
    });
    return {
      ...target,
      stop: async () => {
        const served = await target.servedCalls();
        await target.stop();
        await run.cleanup();
        libvirtDaemons('stop-libvirt.sh');
        for (const calls of served) expect(calls).toBeGreaterThan(10);
      },
    };
  },
  fixtures: {
    class: { cpu: 1, memory: '128Mi' },
    get image() {
      return { source: { libvirt: { path: run.baseImage, format: 'qcow2' as const } } };
    },
    networks: [],
    disks: [{ name: 'data', sizeGiB: 1 }],
    placement: {},
    namePrefix: 'vrt-rr',
  },
  expectCapabilities: { supportsSnapshots: true, supportsLinkedClones: true },
  taskTimeoutMs: 60_000,
});

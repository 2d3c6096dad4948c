// The dev kubelet as a node of a real kube-apiserver + kube-controller-manager (no scheduler, no
// kubelet, no kube-proxy): it registers a Node, binds a Deployment's pods, runs them as processes
// on pod IPs of their own, and the real endpointslice controller publishes those IPs; deleting
// the Deployment stops the processes and releases the addresses.
// It belongs to scripts/test.sh's real-server pass, which runs it (as root) in a network namespace
// of its own with the real control-plane binaries:
//   VIRTRIGAUD_TEST_SERVER=real bash scripts/in-netns.sh npx jest --runTestsByPath <this file>
// Run outside the real pass it is a todo saying so; a real pass that lacks the namespace or the
// binaries reports it as not run (an error with CI=true).
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { AppsV1Api, CoreV1Api, DiscoveryV1Api, type V1Deployment } from '@kubernetes/client-node';
import {
  describeOnRealControlPlane,
  NOT_RUN_PREFIX,
  startRealControlPlane,
  testServerKind,
  type RealControlPlane,
} from '@virtrigaud/envtest';
import { Kubelet } from '../src/kubelet/kubelet';
import { notOwnNetworkNamespace } from '../src/kubelet/pod-cidr';
import { eventually } from '@virtrigaud/testing';
import { isRunning } from '../src/testing/process-alive';

jest.setTimeout(120_000);

const FIXTURE = path.join(__dirname, '..', 'src', 'kubelet', 'fixtures', 'ready-server.js');
const IMAGE = 'ghcr.io/example/ready-server';
const POD_CIDR = process.env.VIRTRIGAUD_POD_CIDR;
const namespace = 'default';

/** Pod addresses go on `lo`: only ever inside a network namespace other than the machine's. */
function missingNetwork(): string | undefined {
  if (!POD_CIDR)
    return 'VIRTRIGAUD_POD_CIDR is not set (run it through scripts/in-netns.sh, as root)';
  return notOwnNetworkNamespace();
}

const loopbackAddresses = async () =>
  (await promisify(execFile)('ip', ['-4', '-o', 'addr', 'show', 'dev', 'lo'])).stdout;

function deployment(): V1Deployment {
  return {
    metadata: { name: 'web' },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          terminationGracePeriodSeconds: 5,
          containers: [
            {
              name: 'server',
              image: `${IMAGE}:v1`,
              args: ['--listen=:8080'],
              ports: [{ name: 'http', containerPort: 8080 }],
              env: [{ name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } }],
              readinessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 1 },
            },
          ],
        },
      },
    },
  };
}

const missing = missingNetwork();
if (testServerKind() !== 'real') {
  test.todo('runs in the real-server pass (VIRTRIGAUD_TEST_SERVER=real, scripts/in-netns.sh)');
} else if (missing) {
  if (process.env.CI === 'true')
    test('dev kubelet on a real API server', () => {
      throw new Error(`${NOT_RUN_PREFIX} (CI=true requires them): ${missing}`);
    });
  else test.todo(`${NOT_RUN_PREFIX}: ${missing}`);
} else {
  describeOnRealControlPlane('dev kubelet on a real API server', () => {
    let plane: RealControlPlane;
    let kubelet: Kubelet;
    let core: CoreV1Api;
    let apps: AppsV1Api;

    beforeAll(async () => {
      plane = await startRealControlPlane();
      kubelet = new Kubelet(plane.kc, {
        nodeName: 'agent-1',
        podCIDR: POD_CIDR,
        images: { [IMAGE]: [FIXTURE] },
        maxProbePeriodMs: 200,
      });
      await kubelet.start();
      core = plane.kc.makeApiClient(CoreV1Api);
      apps = plane.kc.makeApiClient(AppsV1Api);
    });
    afterAll(async () => {
      await kubelet?.stop();
      await plane?.stop();
    });

    it('registers a Ready node with an address from the pod CIDR', async () => {
      const node = await core.readNode({ name: 'agent-1' });
      expect(node.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
      expect(node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address).not.toMatch(
        /^127\./,
      );
    });

    it('runs a Deployment on pod IPs the real controller-manager publishes, and stops it on deletion', async () => {
      await core.createNamespacedService({
        namespace,
        body: {
          metadata: { name: 'web' },
          spec: {
            selector: { app: 'web' },
            ports: [{ name: 'http', port: 80, targetPort: 'http' }],
          },
        },
      });
      await apps.createNamespacedDeployment({ namespace, body: deployment() });
      await eventually(
        'the Deployment to be ready',
        async () =>
          (await apps.readNamespacedDeployment({ name: 'web', namespace })).status
            ?.readyReplicas === 2
            ? true
            : undefined,
        { timeoutMs: 60_000 },
      );
      const pods = (await core.listNamespacedPod({ namespace, labelSelector: 'app=web' })).items;
      const podIPs = pods.map((p) => p.status!.podIP!);
      expect(new Set(podIPs).size).toBe(2);
      for (const pod of pods) {
        expect(pod.spec?.nodeName).toBe('agent-1');
        expect(pod.status?.podIP).not.toMatch(/^127\./);
        expect(pod.status?.podIPs).toEqual([{ ip: pod.status?.podIP }]);
      }

      // Both replicas listen on their declared port 8080, each on its own address.
      const answers = await Promise.all(
        podIPs.map(
          async (ip) =>
            (await (await fetch(`http://${ip}:8080/`)).json()) as {
              pid: number;
              argv: string[];
              env: Record<string, string>;
            },
        ),
      );
      answers.forEach((answer, i) => {
        expect(answer.argv).toEqual([`--listen=${podIPs[i]}:8080`]);
        expect(answer.env.POD_IP).toBe(podIPs[i]);
      });

      const endpoints = await eventually(
        'the EndpointSlice to list both pods as ready',
        async () => {
          const slices = await plane.kc.makeApiClient(DiscoveryV1Api).listNamespacedEndpointSlice({
            namespace,
            labelSelector: 'kubernetes.io/service-name=web',
          });
          const ready = slices.items.flatMap((s) =>
            (s.endpoints ?? [])
              .filter((e) => e.conditions?.ready)
              .map((e) => ({ address: e.addresses[0], port: s.ports?.[0]?.port })),
          );
          return ready.length === 2 ? ready : undefined;
        },
        { timeoutMs: 30_000 },
      );
      expect(endpoints.map((e) => e.address).sort()).toEqual([...podIPs].sort());
      expect(endpoints.every((e) => e.port === 8080)).toBe(true);

      await apps.deleteNamespacedDeployment({ name: 'web', namespace });
      await eventually(
        'the pods to go',
        async () =>
          (await core.listNamespacedPod({ namespace, labelSelector: 'app=web' })).items.length === 0
            ? true
            : undefined,
        { timeoutMs: 60_000 },
      );
      for (const { pid } of answers) expect(isRunning(pid)).toBe(false);
      const addresses = await loopbackAddresses();
      for (const ip of podIPs) expect(addresses).not.toContain(`${ip}/32`);
    });
  });
}

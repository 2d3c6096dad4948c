// End to end on the devcluster with the dev kubelet running the real provider-mock binary: the
// seed's "Complete Example" (type mock) → the generated Deployment and Service match the seed's
// tables field by field → the provider process runs with exactly that configuration → a
// VirtualMachine reaches Running with IPs → power off/on → a class change is reconfigured at the
// provider → delete removes it from the provider and the object goes away.
import { type KubeObject, KubeResources } from '@virtrigaud/kube';
import { Resources } from '@virtrigaud/api';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Condition, VirtualMachineStatus } from '@virtrigaud/api';
import type { VMInfo } from '@virtrigaud/proto';
import { eventually } from '@virtrigaud/testing';
import type { Manager } from '../src/manager';
import { startTestCluster, type TestCluster } from './support/cluster';
import { startManager } from './support/manager';
import { ProviderProbe, providerAddress, providerPid } from './support/provider-probe';
import {
  NAMESPACE,
  applyCompleteExample,
  virtualMachine,
  type ProviderObject,
} from './support/seed-example';

jest.setTimeout(60_000);

const PROVIDER = 'vsphere-datacenter';
const GENERATED = `virtrigaud-provider-${PROVIDER}`;
const RUNTIME_ENV = [{ name: 'MOCK_TASK_LATENCY', value: '100ms' }];

let podsDir: string;
let cluster: TestCluster;
let manager: Manager;
let provider: ProviderObject;
let probe: ProviderProbe;

beforeAll(async () => {
  podsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-pods-'));
  cluster = await startTestCluster({ kubelet: { rootDir: podsDir, maxProbePeriodMs: 200 } });
  manager = await startManager(cluster);
  provider = await applyCompleteExample(cluster.client, { env: RUNTIME_ENV });
});

afterAll(async () => {
  probe?.close();
  await manager?.stop();
  await cluster?.stop();
  fs.rmSync(podsDir, { recursive: true, force: true });
});

type Container = Record<string, unknown> & {
  args: string[];
  env: { name: string; value: string }[];
  volumeMounts: Record<string, unknown>[];
};
type DeploymentObject = KubeObject & {
  spec: {
    replicas: number;
    selector: { matchLabels: Record<string, string> };
    template: {
      metadata: { labels: Record<string, string>; annotations: Record<string, string> };
      spec: Record<string, unknown> & {
        containers: Container[];
        volumes: Record<string, unknown>[];
      };
    };
  };
};
type ServiceObject = KubeObject & { spec: Record<string, unknown> };
type VMObject = KubeObject & { status?: VirtualMachineStatus };

const SELECTOR = {
  'app.kubernetes.io/name': 'virtrigaud-provider',
  'app.kubernetes.io/instance': PROVIDER,
};

describe('the generated objects match the seed tables', () => {
  let deployment: DeploymentObject;
  let container: Container;

  beforeAll(async () => {
    deployment = await eventually('the generated Deployment', () =>
      cluster.client.get<DeploymentObject>(KubeResources.Deployment, NAMESPACE, GENERATED),
    );
    container = deployment.spec.template.spec.containers[0];
  });

  it('passes every seed argument', () => {
    expect(container.args).toEqual([
      '--grpc-addr=:9090',
      '--metrics-addr=:8080',
      '--provider-type=mock',
      '--provider-endpoint=https://vcenter.example.com:443',
      '--tls-enabled=false',
    ]);
    expect(container.image).toBe('ghcr.io/projectbeskar/virtrigaud/provider-mock:v0.2.0');
  });

  it('sets every seed environment variable, then spec.runtime.env', () => {
    expect(container.env.slice(0, 5)).toEqual([
      { name: 'PROVIDER_TYPE', value: 'mock' },
      { name: 'PROVIDER_ENDPOINT', value: 'https://vcenter.example.com:443' },
      { name: 'PROVIDER_NAMESPACE', value: 'default' },
      { name: 'PROVIDER_NAME', value: PROVIDER },
      { name: 'TLS_ENABLED', value: 'false' },
    ]);
    // Controller-owned extras (rate limit, ...) come before the user's spec.runtime.env.
    expect(container.env).toEqual(
      expect.arrayContaining([
        { name: 'RATE_LIMIT_QPS', value: '10' },
        { name: 'RATE_LIMIT_BURST', value: '20' },
      ]),
    );
    expect(container.env.slice(-RUNTIME_ENV.length)).toEqual(RUNTIME_ENV);
  });

  /** The container mounts volume `name` read-only at `mountPath`; the pod has it from `source`. */
  function expectReadOnlyVolume(name: string, mountPath: string, source: Record<string, unknown>) {
    expect(container.volumeMounts).toContainEqual({ name, mountPath, readOnly: true });
    expect(deployment.spec.template.spec.volumes).toContainEqual({ name, ...source });
  }

  it('mounts the credential Secret read-only at /etc/virtrigaud/credentials/, one file per key', () => {
    const { volumes } = deployment.spec.template.spec;
    expectReadOnlyVolume('credentials', '/etc/virtrigaud/credentials', {
      secret: { secretName: 'vsphere-credentials', defaultMode: 0o440 },
    });
    // No `items`: every key of the Secret becomes a file.
    expect(volumes.find((v) => v.name === 'credentials')?.secret).not.toHaveProperty('items');
    expectReadOnlyVolume('config', '/etc/virtrigaud/config', {
      configMap: { name: `${GENERATED}-config`, defaultMode: 0o444 },
    });
  });

  it('labels the Deployment, its pods and its selector with the seed labels', () => {
    expect(deployment.metadata.labels).toMatchObject(SELECTOR);
    expect(deployment.spec.template.metadata.labels).toMatchObject(SELECTOR);
    expect(deployment.spec.selector.matchLabels).toEqual(SELECTOR);
    expect(deployment.spec.replicas).toBe(1);
    expect(deployment.spec.template.metadata.annotations).toHaveProperty(
      ['virtrigaud.io/config-checksum'],
      expect.stringMatching(/^[0-9a-f]{64}$/),
    );
    expect(deployment.metadata.ownerReferences).toEqual([
      expect.objectContaining({ kind: 'Provider', name: PROVIDER, uid: provider.metadata.uid }),
    ]);
  });

  it('declares the gRPC and metrics ports and their probes', () => {
    expect(container.ports).toEqual([
      { name: 'grpc', containerPort: 9090, protocol: 'TCP' },
      { name: 'metrics', containerPort: 8080, protocol: 'TCP' },
    ]);
    expect(container.readinessProbe).toMatchObject({
      grpc: { port: 9090, service: 'provider.v1.Provider' },
    });
    expect(container.livenessProbe).toMatchObject({
      httpGet: { path: '/healthz', port: 'metrics' },
    });
  });

  it('runs non-root with a read-only root filesystem, no capabilities and no token', () => {
    const pod = deployment.spec.template.spec;
    expect(pod.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 65532,
      runAsGroup: 65532,
      fsGroup: 65532,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(container.securityContext).toEqual({
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      privileged: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.volumes).toContainEqual({ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } });
  });

  it('generates the ClusterIP Service with the gRPC (spec.runtime.service.port) and metrics ports', async () => {
    const service = await eventually('the generated Service', () =>
      cluster.client.get<ServiceObject>(KubeResources.Service, NAMESPACE, GENERATED),
    );
    expect(service.metadata.labels).toMatchObject(SELECTOR);
    expect(service.spec).toMatchObject({ type: 'ClusterIP', selector: SELECTOR });
    expect(service.spec.ports).toEqual([
      { name: 'grpc', port: 9090, targetPort: 'grpc', protocol: 'TCP', appProtocol: 'grpc' },
      { name: 'metrics', port: 8080, targetPort: 'metrics', protocol: 'TCP' },
    ]);
    expect(service.metadata.ownerReferences?.[0]).toMatchObject({ uid: provider.metadata.uid });
  });
});

describe('the dev kubelet runs provider-mock with that configuration', () => {
  it('the provider process has the seed environment and reads the mounted files', async () => {
    const pid = await providerPid(cluster, podsDir, PROVIDER);
    const environ = Object.fromEntries(
      fs
        .readFileSync(`/proc/${pid}/environ`, 'utf8')
        .split('\0')
        .filter(Boolean)
        .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
    );
    expect(environ).toMatchObject({
      PROVIDER_TYPE: 'mock',
      PROVIDER_ENDPOINT: 'https://vcenter.example.com:443',
      PROVIDER_NAMESPACE: 'default',
      PROVIDER_NAME: PROVIDER,
      TLS_ENABLED: 'false',
      MOCK_TASK_LATENCY: '100ms',
    });
    // The dev kubelet rewrites :9090/:8080 to free loopback ports; the flags themselves stay.
    const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    expect(argv).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^--grpc-addr=127\.0\.0\.1:\d+$/),
        expect.stringMatching(/^--metrics-addr=127\.0\.0\.1:\d+$/),
        '--provider-type=mock',
        '--provider-endpoint=https://vcenter.example.com:443',
        '--tls-enabled=false',
      ]),
    );
    const credentials = environ.VIRTRIGAUD_CREDENTIALS_DIR;
    expect(credentials).toMatch(/\/etc\/virtrigaud\/credentials$/);
    expect(fs.readdirSync(credentials).sort()).toEqual(['password', 'username']);
    expect(fs.readFileSync(path.join(credentials, 'username'), 'utf8')).toBe('admin@vsphere.local');
    expect(fs.statSync(path.join(credentials, 'password')).mode & 0o777).toBe(0o440);
    const config = environ.VIRTRIGAUD_CONFIG_DIR;
    expect(config).toMatch(/\/etc\/virtrigaud\/config$/);
    expect(JSON.parse(fs.readFileSync(path.join(config, 'provider.json'), 'utf8'))).toMatchObject({
      rateLimit: { qps: 10, burst: 20 },
    });
  });

  it('the Provider becomes Ready with the capabilities the mock announces', async () => {
    const ready = await eventually('Provider Ready=True', async () => {
      const p = await cluster.client.get<ProviderObject>(Resources.Provider, NAMESPACE, PROVIDER);
      return isTrue(p?.status?.conditions, 'Ready') ? p : undefined;
    });
    expect(ready.status).toMatchObject({
      deploymentName: GENERATED,
      readyReplicas: 1,
      observedGeneration: ready.metadata.generation,
      serviceAddress: expect.stringMatching(/^127\.0\.0\.1:\d+$/),
    });
    for (const type of ['Available', 'HypervisorConnected'])
      expect(isTrue(ready.status?.conditions, type)).toBe(true);
    expect(ready.status?.capabilities).toEqual(expect.arrayContaining(['reconfigure-online']));
    probe = new ProviderProbe(await providerAddress(cluster.client, PROVIDER));
  });
});

describe('a VirtualMachine through its life', () => {
  const name = 'web-1';
  const hypervisorName = `${NAMESPACE}.${name}`;

  const vmWhen = (what: string, check: (vm: VMObject) => boolean) =>
    eventually(what, async () => {
      const vm = await cluster.client.get<VMObject>(Resources.VirtualMachine, NAMESPACE, name);
      return vm && check(vm) ? vm : undefined;
    });
  const atProvider = (what: string, check: (vm: VMInfo) => boolean) =>
    eventually(what, async () => {
      const found = (await probe.listVMs()).filter((vm) => vm.name === hypervisorName);
      return found.length === 1 && check(found[0]) ? found[0] : undefined;
    });
  const settled = (phase: string) => (vm: VMObject) =>
    vm.status?.phase === phase &&
    vm.status.observedGeneration === vm.metadata.generation &&
    isTrue(vm.status.conditions, 'Ready');
  const setSpec = (spec: Record<string, unknown>) =>
    cluster.client.patch(Resources.VirtualMachine, NAMESPACE, name, { spec });

  it('reaches Running with IPs, and the provider has it', async () => {
    await cluster.client.create(Resources.VirtualMachine, virtualMachine(name));
    const vm = await vmWhen(
      'Running with IPs',
      (v) => settled('Running')(v) && !!v.status?.ips?.length,
    );
    expect(vm.status).toMatchObject({ powerState: 'On', provider: { name: PROVIDER } });
    const listed = await atProvider('the VM at the provider', (v) => v.powerState === 'On');
    expect(listed).toMatchObject({ id: vm.status!.id, cpu: 2, memoryMib: 2048 });
    expect(listed.ips).toEqual(vm.status!.ips);
  });

  it('powers off and on again', async () => {
    await setSpec({ powerState: 'Off' });
    const off = await vmWhen('Stopped', settled('Stopped'));
    expect(off.status?.powerState).toBe('Off');
    await atProvider('Off at the provider', (v) => v.powerState === 'Off');

    await setSpec({ powerState: 'On' });
    await vmWhen('Running again', (v) => settled('Running')(v) && !!v.status?.ips?.length);
    await atProvider('On at the provider', (v) => v.powerState === 'On');
  });

  it('reconfigures the VM at the provider when its class changes', async () => {
    await setSpec({ classRef: { name: 'large' } });
    await vmWhen('Running after the reconfigure', settled('Running'));
    const listed = await atProvider('4 CPUs at the provider', (v) => v.cpu === 4);
    expect(listed).toMatchObject({ cpu: 4, memoryMib: 8192, powerState: 'On' });
    const events = await cluster.client.list<KubeObject & { reason?: string; message?: string }>(
      KubeResources.Event,
      NAMESPACE,
      { fieldSelector: `involvedObject.name=${name}` },
    );
    expect(events.items.map((e) => e.reason)).toContain('Reconfiguring');
  });

  it('deletes the VM on the provider, then the object goes away', async () => {
    await cluster.client.delete(Resources.VirtualMachine, NAMESPACE, name);
    await eventually(
      'the VM object to be gone',
      async () =>
        (await cluster.client.get(Resources.VirtualMachine, NAMESPACE, name)) === undefined,
    );
    expect((await probe.listVMs()).map((vm) => vm.name)).not.toContain(hypervisorName);
  });
});

function isTrue(conditions: Condition[] | undefined, type: string): boolean {
  return conditions?.find((c) => c.type === type)?.status === 'True';
}

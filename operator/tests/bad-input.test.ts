// Bad input ends in a condition and an event that say exactly what to fix: a VM naming a missing
// Provider/VMClass/VMImage, a Provider whose credential Secret is missing, an invalid image.
// Also checks that the generated objects reach the API server with the seed's fields.
import { type KubeObject, KubeResources } from '@virtrigaud/kube';
import { Resources } from '@virtrigaud/api';
import type { Condition } from '@virtrigaud/api';
import { eventually } from '@virtrigaud/testing';
import type { Manager } from '../src/manager';
import { startTestCluster, type TestCluster } from './support/cluster';
import { startManager } from './support/manager';

let cluster: TestCluster;
let manager: Manager;
const ns = 'default';

beforeAll(async () => {
  cluster = await startTestCluster();
  manager = await startManager(cluster);
});

afterAll(async () => {
  await manager?.stop();
  await cluster?.stop();
});

type WithStatus = KubeObject & { status?: { conditions?: Condition[]; phase?: string } };

async function readyCondition(type: typeof Resources.Provider, name: string, reason: string) {
  return eventually(`${type.kind} ${name} Ready=False/${reason}`, async () => {
    const obj = await cluster.client.get<WithStatus>(type, ns, name);
    const ready = obj?.status?.conditions?.find((c) => c.type === 'Ready');
    return ready?.reason === reason ? ready : undefined;
  });
}

async function warningEvent(name: string, reason: string) {
  return eventually(`a Warning event ${reason} for ${name}`, async () => {
    const events = await cluster.client.list<
      KubeObject & {
        reason?: string;
        type?: string;
        message?: string;
        involvedObject?: { name?: string };
      }
    >(KubeResources.Event, ns);
    return events.items.find(
      (e) => e.involvedObject?.name === name && e.reason === reason && e.type === 'Warning',
    );
  });
}

/** A mock Provider with the spec fields the test is about. */
function createMockProvider(name: string, spec: Record<string, unknown>) {
  return cluster.client.create(Resources.Provider, {
    apiVersion: 'infra.virtrigaud.io/v1beta1',
    kind: 'Provider',
    metadata: { name, namespace: ns },
    spec: { type: 'mock', endpoint: 'mock://lab', ...spec },
  } as KubeObject);
}

it('a Provider whose credential Secret is missing says which Secret to create', async () => {
  await createMockProvider('no-secret', { credentialSecretRef: { name: 'lab-credentials' } });
  const ready = await readyCondition(Resources.Provider, 'no-secret', 'CredentialSecretNotFound');
  expect(ready.message).toMatch(
    /spec\.credentialSecretRef\.name: Secret "lab-credentials" not found in namespace "default"/,
  );
  const event = await warningEvent('no-secret', 'CredentialSecretNotFound');
  expect(event.message).toBe(ready.message);
  // Nothing is deployed that could only crash-loop without its credentials.
  expect(
    await cluster.client.get(KubeResources.Deployment, ns, 'virtrigaud-provider-no-secret'),
  ).toBeUndefined();

  await cluster.client.create(KubeResources.Secret, {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'lab-credentials', namespace: ns },
    stringData: { username: 'admin', password: 'pw' },
  } as KubeObject);
  await eventually('the Deployment once the Secret exists', () =>
    cluster.client.get(KubeResources.Deployment, ns, 'virtrigaud-provider-no-secret'),
  );
});

it('a Provider with an invalid image reference names spec.runtime.image', async () => {
  await createMockProvider('bad-image', { runtime: { image: 'ghcr.io//provider-mock:v1' } });
  const ready = await readyCondition(Resources.Provider, 'bad-image', 'InvalidImage');
  expect(ready.message).toMatch(
    /^spec\.runtime\.image: "ghcr\.io\/\/provider-mock:v1" is not a valid image reference/,
  );
  await warningEvent('bad-image', 'InvalidImage');
});

it('a Provider asking for an image outside the policy is refused with PolicyViolation', async () => {
  await createMockProvider('foreign-image', { runtime: { image: 'docker.io/evil/miner:latest' } });
  const ready = await readyCondition(Resources.Provider, 'foreign-image', 'PolicyViolation');
  expect(ready.message).toMatch(/^spec\.runtime\.image: "docker\.io\/evil\/miner:latest"/);
  await warningEvent('foreign-image', 'PolicyViolation');
  expect(
    await cluster.client.get(KubeResources.Deployment, ns, 'virtrigaud-provider-foreign-image'),
  ).toBeUndefined();
});

it('generates the Deployment, Service and ConfigMap with owner references on the API server', async () => {
  await createMockProvider('generated', { runtime: { service: { port: 9191 } } });
  const deployment = await eventually('the generated Deployment', () =>
    cluster.client.get<
      KubeObject & { spec: { template: { spec: { containers: { args: string[] }[] } } } }
    >(KubeResources.Deployment, ns, 'virtrigaud-provider-generated'),
  );
  expect(deployment.spec.template.spec.containers[0].args).toContain('--grpc-addr=:9191');
  const owner = await cluster.client.get(Resources.Provider, ns, 'generated');
  for (const [type, name] of [
    [KubeResources.Service, 'virtrigaud-provider-generated'],
    [KubeResources.ConfigMap, 'virtrigaud-provider-generated-config'],
    [KubeResources.NetworkPolicy, 'virtrigaud-provider-generated'],
  ] as const) {
    const obj = await eventually(name, () => cluster.client.get(type, ns, name));
    expect(obj.metadata.ownerReferences?.[0]).toMatchObject({
      kind: 'Provider',
      uid: owner!.metadata.uid,
    });
  }
  // Without a kubelet no pod becomes available: the Provider says so.
  await readyCondition(Resources.Provider, 'generated', 'NoReplicasAvailable');
});

describe('a VirtualMachine with a missing reference', () => {
  const vm = (name: string, refs: { provider: string; cls: string; image: string }) =>
    ({
      apiVersion: 'infra.virtrigaud.io/v1beta1',
      kind: 'VirtualMachine',
      metadata: { name, namespace: ns },
      spec: {
        providerRef: { name: refs.provider },
        classRef: { name: refs.cls },
        imageRef: { name: refs.image },
      },
    }) as KubeObject;

  beforeAll(async () => {
    await cluster.client.create(Resources.VMClass, {
      apiVersion: 'infra.virtrigaud.io/v1beta1',
      kind: 'VMClass',
      metadata: { name: 'small', namespace: ns },
      spec: { cpu: 2, memory: '2Gi' },
    } as KubeObject);
  });

  it.each([
    [
      'vm-no-provider',
      { provider: 'nope', cls: 'small', image: 'ubuntu' },
      'ProviderNotFound',
      /^spec\.providerRef\.name: Provider "nope" not found in namespace "default"/,
    ],
    [
      'vm-no-class',
      { provider: 'generated', cls: 'huge', image: 'ubuntu' },
      'ClassNotFound',
      /^spec\.classRef\.name: VMClass "huge" not found/,
    ],
    [
      'vm-no-image',
      { provider: 'generated', cls: 'small', image: 'ubuntu' },
      'ImageNotFound',
      /^spec\.imageRef\.name: VMImage "ubuntu" not found/,
    ],
  ])('%s ends Pending with %s', async (name, refs, reason, message) => {
    await cluster.client.create(Resources.VirtualMachine, vm(name, refs));
    const ready = await readyCondition(Resources.VirtualMachine, name, reason);
    expect(ready.message).toMatch(message);
    const event = await warningEvent(name, reason);
    expect(event.message).toBe(ready.message);
    const obj = await cluster.client.get<WithStatus>(Resources.VirtualMachine, ns, name);
    expect(obj?.status?.phase).toBe('Pending');
    expect(obj?.metadata.finalizers).toContain('infra.virtrigaud.io/finalizer');
  });

  it('deleting a VM that never reached a provider just removes it', async () => {
    await cluster.client.delete(Resources.VirtualMachine, ns, 'vm-no-class');
    await eventually(
      'the VM to be gone',
      async () =>
        (await cluster.client.get(Resources.VirtualMachine, ns, 'vm-no-class')) === undefined,
    );
  });
});

// The seed's "Complete Example" (provider-architecture.md: the vsphere-credentials Secret of
// "Basic Provider Setup" and the vsphere-datacenter Provider) with `type: mock` and the mock's
// image, plus the VMClass/VMImage/VirtualMachine objects the end-to-end and fault tests create.
import { type KubeClient, type KubeObject, KubeResources } from '@virtrigaud/kube';
import { Resources } from '@virtrigaud/api';
import type { Provider } from '@virtrigaud/api';
import { eventually } from '@virtrigaud/testing';
import { parseAllDocuments } from 'yaml';

export const NAMESPACE = 'default';

/** Verbatim from the seed except `type` and `image` (the vsphere ones cannot run here). */
export const COMPLETE_EXAMPLE_YAML = `
apiVersion: v1
kind: Secret
metadata:
  name: vsphere-credentials
  namespace: default
type: Opaque
stringData:
  username: "admin@vsphere.local"
  password: "your-password"
---
apiVersion: infra.virtrigaud.io/v1beta1
kind: Provider
metadata:
  name: vsphere-datacenter
  namespace: default
spec:
  type: mock
  endpoint: "https://vcenter.example.com:443"
  credentialSecretRef:
    name: vsphere-credentials
  runtime:
    mode: Remote
    image: "ghcr.io/projectbeskar/virtrigaud/provider-mock:v0.2.0"
    service:
      port: 9090
`;

export type ProviderObject = Provider & KubeObject;

/** Additions to the example's Provider spec a test needs (the example itself has neither). */
export interface ExampleAdditions {
  /** spec.runtime.env, e.g. the mock's MOCK_TASK_LATENCY. */
  env?: { name: string; value: string }[];
  /** spec.rateLimit: the default (10 qps) throttles a test that creates 50 VMs to ~25 s. */
  rateLimit?: { qps: number; burst: number };
}

/** The Secret and the Provider of the example, plus `additions`. */
export function completeExample(additions: ExampleAdditions = {}): {
  secret: KubeObject;
  provider: ProviderObject;
} {
  const [secret, provider] = parseAllDocuments(COMPLETE_EXAMPLE_YAML).map(
    (doc) => doc.toJS() as KubeObject,
  );
  const typed = provider as ProviderObject;
  if (additions.env) typed.spec.runtime = { ...typed.spec.runtime, env: additions.env };
  if (additions.rateLimit) typed.spec.rateLimit = additions.rateLimit;
  return { secret, provider: typed };
}

/** Applies the example and the classes/image the test VMs use. */
export async function applyCompleteExample(
  client: KubeClient,
  additions: ExampleAdditions = {},
): Promise<ProviderObject> {
  const { secret, provider } = completeExample(additions);
  await client.create(KubeResources.Secret, secret);
  const created = await client.create<ProviderObject>(Resources.Provider, provider);
  await client.create(Resources.VMClass, vmClass('small', 2, '2Gi'));
  await client.create(Resources.VMClass, vmClass('large', 4, '8Gi'));
  await client.create(Resources.VMImage, ubuntuImage());
  return created;
}

/** Resolves once the Provider reports Ready=True. */
export function providerReady(client: KubeClient, name: string): Promise<ProviderObject> {
  return eventually(`Provider ${name} Ready=True`, async () => {
    const provider = await client.get<ProviderObject>(Resources.Provider, NAMESPACE, name);
    return provider?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')
      ? provider
      : undefined;
  });
}

export function vmClass(name: string, cpu: number, memory: string): KubeObject {
  return {
    apiVersion: 'infra.virtrigaud.io/v1beta1',
    kind: 'VMClass',
    metadata: { name, namespace: NAMESPACE },
    spec: { cpu, memory },
  } as KubeObject;
}

/** VMImage `ubuntu`: the mock's Ubuntu image, which the test VMs boot. */
export function ubuntuImage(): KubeObject {
  return {
    apiVersion: 'infra.virtrigaud.io/v1beta1',
    kind: 'VMImage',
    metadata: { name: 'ubuntu', namespace: NAMESPACE },
    spec: { source: { mock: { name: 'ubuntu-24.04' } } },
  } as KubeObject;
}

export function virtualMachine(name: string, provider = 'vsphere-datacenter'): KubeObject {
  return {
    apiVersion: 'infra.virtrigaud.io/v1beta1',
    kind: 'VirtualMachine',
    metadata: { name, namespace: NAMESPACE },
    spec: {
      providerRef: { name: provider },
      classRef: { name: 'small' },
      imageRef: { name: 'ubuntu' },
      powerState: 'On',
    },
  } as KubeObject;
}

// Test support shared by the VirtRigaud Backstage packages: a devcluster with the VirtRigaud CRDs
// installed and fixtures of the kinds. With KUBECONFIG_E2E the same tests run against a real
// cluster that has the CRDs installed.
import { randomBytes } from 'node:crypto';
import { KubeConfig } from '@kubernetes/client-node';
import { customResourceDefinition, KINDS, Resources } from '@virtrigaud/api';
import { KubeClient, KubeResources, type KubeObject } from '@virtrigaud/kube';

export interface TestCluster {
  kubeconfigPath: string;
  client: KubeClient;
  kubeConfig: KubeConfig;
  /** A fresh namespace for one test file. */
  newNamespace(prefix: string): Promise<string>;
  stop(): Promise<void>;
}

export interface TestClusterOptions {
  /**
   * Run Deployments as local processes (the devcluster's kubelet), e.g. the provider pods the
   * operator deploys for a Provider. A real cluster (KUBECONFIG_E2E) runs them anyway.
   */
  kubelet?: boolean;
}

export async function startTestCluster(options: TestClusterOptions = {}): Promise<TestCluster> {
  const external = process.env.KUBECONFIG_E2E;
  // Loaded lazily: only the test runs need the devcluster package.
  const devcluster = external
    ? undefined
    : await (await import('@virtrigaud/devcluster')).startDevCluster({ kubelet: options.kubelet });
  const kubeconfigPath = external ?? devcluster!.kubeconfigPath;
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(kubeconfigPath);
  const client = new KubeClient(kubeConfig, undefined, 'virtrigaud-tests');
  if (devcluster) {
    for (const kind of KINDS) {
      await client.create(KubeResources.CustomResourceDefinition, customResourceDefinition(kind));
    }
  }
  const created: string[] = [];
  return {
    kubeconfigPath,
    client,
    kubeConfig,
    async newNamespace(prefix) {
      const name = `${prefix}-${randomBytes(3).toString('hex')}`;
      await client.create(KubeResources.Namespace, { metadata: { name } });
      created.push(name);
      return name;
    },
    async stop() {
      if (devcluster) return devcluster.stop();
      for (const name of created) await client.delete(KubeResources.Namespace, '', name);
    },
  };
}

const API_VERSION = 'infra.virtrigaud.io/v1beta1';

/** A mock Provider with a class, an image and a network next to it. */
export async function createCatalogue(client: KubeClient, namespace: string, provider = 'lab') {
  const meta = (name: string) => ({ name, namespace });
  await client.create(Resources.Provider, {
    apiVersion: API_VERSION,
    kind: 'Provider',
    metadata: {
      ...meta(provider),
      annotations: { 'backstage.io/owner': 'group:default/platform' },
    },
    spec: { type: 'mock', endpoint: 'mock://lab' },
  } as KubeObject);
  await client.create(Resources.VMClass, {
    apiVersion: API_VERSION,
    kind: 'VMClass',
    metadata: meta('small'),
    spec: { cpu: 2, memory: '4Gi' },
  } as KubeObject);
  await client.create(Resources.VMImage, {
    apiVersion: API_VERSION,
    kind: 'VMImage',
    metadata: meta('ubuntu'),
    spec: { source: { mock: { name: 'ubuntu-24.04' } } },
  } as KubeObject);
  await client.create(Resources.VMImage, {
    apiVersion: API_VERSION,
    kind: 'VMImage',
    metadata: meta('vsphere-only'),
    spec: { source: { vsphere: { templateName: 'ubuntu-tpl' } } },
  } as KubeObject);
  await client.create(Resources.VMNetworkAttachment, {
    apiVersion: API_VERSION,
    kind: 'VMNetworkAttachment',
    metadata: meta('lan'),
    spec: { ipAllocation: { type: 'DHCP' } },
  } as KubeObject);
}

export function vmManifest(
  namespace: string,
  name: string,
  extra: { owner?: string; provider?: string } = {},
) {
  return {
    apiVersion: API_VERSION,
    kind: 'VirtualMachine',
    metadata: {
      name,
      namespace,
      ...(extra.owner ? { annotations: { 'backstage.io/owner': extra.owner } } : {}),
    },
    spec: {
      providerRef: { name: extra.provider ?? 'lab' },
      classRef: { name: 'small' },
      imageRef: { name: 'ubuntu' },
    },
  } as KubeObject;
}

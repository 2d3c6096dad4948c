// A test cluster with the VirtRigaud CRDs installed, and a KubeClient for it: the devcluster, or
// with VIRTRIGAUD_TEST_SERVER=real a real kube-apiserver (@virtrigaud/envtest) whose one node is
// the dev kubelet, giving pods addresses from VIRTRIGAUD_POD_CIDR (scripts/in-netns.sh).
import fs from 'node:fs';
import path from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { Kubelet, startDevCluster, type DevClusterOptions } from '@virtrigaud/devcluster';
import { startRealControlPlane, testServerKind, type TestServerKind } from '@virtrigaud/envtest';
import { KubeClient, KubeResources, type KubeObject } from '@virtrigaud/kube';
import { parse } from 'yaml';

const CRD_DIR = path.join(__dirname, '..', '..', 'config', 'crd');

export interface TestCluster {
  kind: TestServerKind;
  kubeconfigPath: string;
  url: string;
  config: KubeConfig;
  client: KubeClient;
  stop(): Promise<void>;
}

export async function startTestCluster(options: DevClusterOptions = {}): Promise<TestCluster> {
  const kind = testServerKind();
  const cluster = kind === 'real' ? await realCluster(options) : await startDevCluster(options);
  try {
    const config = new KubeConfig();
    config.loadFromFile(cluster.kubeconfigPath);
    const client = new KubeClient(config);
    for (const file of fs.readdirSync(CRD_DIR).filter((f) => f.endsWith('.yaml'))) {
      const crd = parse(fs.readFileSync(path.join(CRD_DIR, file), 'utf8')) as KubeObject;
      await client.create(KubeResources.CustomResourceDefinition, crd);
    }
    const { kubeconfigPath, url, stop } = cluster;
    return { kind, kubeconfigPath, url, config, client, stop };
  } catch (error) {
    await cluster.stop();
    throw error;
  }
}

/** The real control plane with the dev kubelet as its node, on pod addresses of their own. */
async function realCluster(options: DevClusterOptions) {
  const podCIDR = process.env.VIRTRIGAUD_POD_CIDR;
  if (!podCIDR) {
    throw new Error(
      'VIRTRIGAUD_TEST_SERVER=real runs pods on addresses of VIRTRIGAUD_POD_CIDR: run inside scripts/in-netns.sh',
    );
  }
  const plane = await startRealControlPlane();
  const kubeletOptions = typeof options.kubelet === 'object' ? options.kubelet : {};
  const kubelet = new Kubelet(plane.kc, { ...kubeletOptions, podCIDR });
  try {
    await kubelet.start();
  } catch (error) {
    await plane.stop();
    throw error;
  }
  return {
    kubeconfigPath: plane.kubeconfigPath,
    url: plane.url,
    stop: async () => {
      await kubelet.stop();
      await plane.stop();
    },
  };
}

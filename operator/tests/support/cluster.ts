// A devcluster with the VirtRigaud CRDs installed, and a KubeClient for it. Tests run unchanged
// against a real cluster when KUBECONFIG_E2E names one (the CRDs must then be installed).
import { KubeClient, KubeResources, type KubeObject } from '@virtrigaud/kube';
import fs from 'node:fs';
import path from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { startDevCluster, type DevClusterOptions } from '@virtrigaud/devcluster';
import { parse } from 'yaml';

const CRD_DIR = path.join(__dirname, '..', '..', 'config', 'crd');

export interface TestCluster {
  kubeconfigPath: string;
  url: string;
  config: KubeConfig;
  client: KubeClient;
  stop(): Promise<void>;
}

export async function startTestCluster(options: DevClusterOptions = {}): Promise<TestCluster> {
  const cluster = await startDevCluster(options);
  const config = new KubeConfig();
  config.loadFromFile(cluster.kubeconfigPath);
  const client = new KubeClient(config);
  for (const file of fs.readdirSync(CRD_DIR).filter((f) => f.endsWith('.yaml'))) {
    const crd = parse(fs.readFileSync(path.join(CRD_DIR, file), 'utf8')) as KubeObject;
    await client.create(KubeResources.CustomResourceDefinition, crd);
  }
  return { ...cluster, config, client };
}

// A devcluster with the VirtRigaud CRDs installed, and a KubeClient for it. Tests run unchanged
// against a real cluster when KUBECONFIG_E2E names one (the CRDs must then be installed).
import fs from 'node:fs';
import path from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { startDevCluster, type DevClusterOptions } from '@virtrigaud/devcluster';
import { parse } from 'yaml';
import { KubeClient } from '../../src/kube/client';
import type { ResourceType } from '../../src/kube/resources';
import type { KubeObject } from '../../src/kube/types';

const CRD_DIR = path.join(__dirname, '..', '..', 'config', 'crd');
const CRDS: ResourceType = {
  group: 'apiextensions.k8s.io',
  version: 'v1',
  plural: 'customresourcedefinitions',
  kind: 'CustomResourceDefinition',
  namespaced: false,
};

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
    await client.create(CRDS, crd);
  }
  return { ...cluster, config, client };
}

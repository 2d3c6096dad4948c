// Test support: submit manifests to a Kubernetes API server with dryRun=All and report whether
// they were admitted, as the API server's 422 Status message says. Uses the server
// VIRTRIGAUD_TEST_SERVER selects (the devcluster, or a real kube-apiserver: @virtrigaud/envtest)
// unless KUBECONFIG_UNDER_TEST points at another cluster.
import fs from 'node:fs';
import path from 'node:path';
import {
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  KubernetesObjectApi,
  loadYaml,
  type KubernetesObject,
} from '@kubernetes/client-node';
import { startTestServer } from '@virtrigaud/envtest';
import { KINDS, GROUP, VERSION } from '../kinds';

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a manifest's spec is arbitrary user JSON
  spec: Record<string, any>;
}

export interface Admission {
  allowed: boolean;
  object?: Manifest;
  message?: string;
}

export interface Admitter {
  admit(manifest: Manifest): Promise<Admission>;
  stop(): Promise<void>;
}

const crdDir = path.resolve(__dirname, '..', '..', '..', '..', 'operator', 'config', 'crd');

export async function admitter(namespaces: string[]): Promise<Admitter> {
  const external = process.env.KUBECONFIG_UNDER_TEST;
  const server = external ? undefined : await startTestServer();
  const kc = new KubeConfig();
  kc.loadFromFile(external ?? server!.kubeconfigPath);
  await applyCrds(kc);
  const core = kc.makeApiClient(CoreV1Api);
  for (const name of namespaces) {
    await core.createNamespace({ body: { metadata: { name } } }).catch(ignoreConflict);
  }
  const objects = kc.makeApiClient(CustomObjectsApi);
  return {
    admit: (manifest) => admit(objects, manifest),
    stop: async () => server?.stop(),
  };
}

// loadYaml maps the manifest onto client-node's typed model, so that the API client serializes
// `default`, `x-kubernetes-validations` and the other JSON-schema keywords under their wire names.
async function applyCrds(kc: KubeConfig): Promise<void> {
  const api = KubernetesObjectApi.makeApiClient(kc);
  for (const file of fs.readdirSync(crdDir).filter((f) => f.endsWith('.yaml'))) {
    const crd = loadYaml<KubernetesObject>(fs.readFileSync(path.join(crdDir, file), 'utf8'));
    await api.create(crd).catch(ignoreConflict);
  }
}

async function admit(api: CustomObjectsApi, manifest: Manifest): Promise<Admission> {
  const plural = KINDS.find((k) => k.kind === manifest.kind)?.plural;
  if (!plural) throw new Error(`not a kind of ${GROUP}: ${manifest.kind}`);
  try {
    const object = await api.createNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      plural,
      namespace: manifest.metadata.namespace ?? 'default',
      body: manifest,
      dryRun: 'All',
    });
    return { allowed: true, object: object as Manifest };
  } catch (error) {
    const { code, body } = error as { code?: number; body?: string };
    if (code !== 422 && code !== 400) throw error;
    return { allowed: false, message: (JSON.parse(body ?? '{}') as { message?: string }).message };
  }
}

function ignoreConflict(error: { code?: number }): void {
  if (error.code !== 409) throw error;
}

// Which clusters the plugin talks to, read from app-config. The cluster entries have the shape of
// @backstage/plugin-kubernetes-backend's `config` cluster locator, so `kubernetes.clusterLocatorMethods`
// can serve both plugins; `kubeconfigPath` and the KUBECONFIG fallback cover local runs.
import os from 'node:os';
import path from 'node:path';
import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { KubeConfig } from '@kubernetes/client-node';

export interface ClusterDefinition {
  name: string;
  kubeConfig: KubeConfig;
}

export function readClusterDefinitions(
  config: Config,
  env: NodeJS.ProcessEnv = process.env,
): ClusterDefinition[] {
  const own = config.getOptionalConfigArray('virtrigaud.clusters');
  if (own?.length) return own.map(clusterFromConfig);
  const shared = (config.getOptionalConfigArray('kubernetes.clusterLocatorMethods') ?? [])
    .filter((method) => method.getString('type') === 'config')
    .flatMap((method) => method.getOptionalConfigArray('clusters') ?? []);
  if (shared.length) return shared.map(clusterFromConfig);
  return [clusterFromKubeconfigFile('default', defaultKubeconfigPath(env))];
}

function defaultKubeconfigPath(env: NodeJS.ProcessEnv): string {
  const fromEnv = env.KUBECONFIG?.split(path.delimiter).find(Boolean);
  return fromEnv ?? path.join(os.homedir(), '.kube', 'config');
}

function clusterFromConfig(cluster: Config): ClusterDefinition {
  const name = cluster.getString('name');
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name)) {
    throw new InputError(
      `virtrigaud cluster name "${name}" must be a DNS label (lower case letters, digits, '-')`,
    );
  }
  const kubeconfigPath = cluster.getOptionalString('kubeconfigPath');
  if (kubeconfigPath) {
    return clusterFromKubeconfigFile(name, kubeconfigPath, cluster.getOptionalString('context'));
  }
  const authProvider = cluster.getOptionalString('authProvider') ?? 'serviceAccount';
  if (authProvider !== 'serviceAccount') {
    throw new InputError(
      `cluster "${name}": authProvider "${authProvider}" is not supported; use serviceAccount or kubeconfigPath`,
    );
  }
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [
      {
        name,
        server: cluster.getString('url'),
        caData: cluster.getOptionalString('caData'),
        skipTLSVerify: cluster.getOptionalBoolean('skipTLSVerify') ?? false,
      },
    ],
    users: [{ name: `${name}-backstage`, token: cluster.getOptionalString('serviceAccountToken') }],
    contexts: [{ name, cluster: name, user: `${name}-backstage` }],
    currentContext: name,
  });
  return { name, kubeConfig };
}

function clusterFromKubeconfigFile(
  name: string,
  file: string,
  context?: string,
): ClusterDefinition {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(file);
  if (context) kubeConfig.setCurrentContext(context);
  return { name, kubeConfig };
}

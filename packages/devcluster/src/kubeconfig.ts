// The kubeconfig that points clients (kubectl, @kubernetes/client-node) at the devcluster.
import fs from 'node:fs';
import path from 'node:path';

/** A kubeconfig (as an object) for the devcluster at `server`. */
export function devclusterKubeconfig(server: string) {
  return {
    apiVersion: 'v1',
    kind: 'Config',
    // Plain HTTP on loopback: client-node only allows http:// servers with this flag set.
    clusters: [{ name: 'devcluster', cluster: { server, 'insecure-skip-tls-verify': true } }],
    users: [{ name: 'devcluster', user: {} }],
    contexts: [
      {
        name: 'devcluster',
        context: { cluster: 'devcluster', user: 'devcluster', namespace: 'default' },
      },
    ],
    'current-context': 'devcluster',
  };
}

export function writeKubeconfig(file: string, server: string): void {
  const config = devclusterKubeconfig(server);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // JSON is YAML, and every client reads it; mode 0600 like kubeconfigs written by kubeadm.
  fs.writeFileSync(file, JSON.stringify(config, null, 2) + '\n', { mode: 0o600 });
}

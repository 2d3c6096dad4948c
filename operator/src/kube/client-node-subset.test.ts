// The loader hook main.ts installs, in a real Node process (Jest forbids module hooks): the
// compiled client loads, KubeConfig still authenticates, and none of client-node's generated
// API clients is loaded. Needs the compiled output (scripts/test.sh runs tsc -b first).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

const dist = path.join(__dirname, '..', '..', 'dist', 'kube');

const probe = `
const { registerHooks } = require('node:module');
const loaded = [];
registerHooks({ resolve(specifier, context, next) { const r = next(specifier, context); loaded.push(r.url); return r; } });
require(${JSON.stringify(path.join(dist, 'client-node-subset.js'))});
const { KubeClient, loadKubeConfig } = require(${JSON.stringify(path.join(dist, 'client.js'))});
const { RequestContext } = require(${JSON.stringify(path.join(dist, 'client-node.js'))});
const config = loadKubeConfig(process.argv[1]);
new KubeClient(config);
const context = new RequestContext('https://127.0.0.1:6443/api', 'GET');
config.applySecurityAuthentication(context).then(() => {
  process.stdout.write(JSON.stringify({ headers: context.getHeaders(), loaded }));
});
`;

const kubeconfig = path.join(__dirname, '__fixtures__', 'token-kubeconfig.yaml');

it('loads KubeConfig without the generated API clients, and it still authenticates', () => {
  expect(existsSync(path.join(dist, 'client-node-subset.js'))).toBe(true);
  const child = spawnSync(process.execPath, ['-e', probe, kubeconfig], { encoding: 'utf8' });
  expect(child.stderr).toBe('');
  const { headers, loaded } = JSON.parse(child.stdout) as {
    headers: Record<string, string>;
    loaded: string[];
  };
  expect(headers.Authorization).toBe('Bearer probe-token');
  const clientNode = loaded.filter((url) => url.includes('/@kubernetes/client-node/'));
  expect(clientNode.some((url) => url.endsWith('/dist/config.js'))).toBe(true);
  expect(clientNode.filter((url) => /\/gen\/(apis|types|models)\//.test(url))).toEqual([]);
});

#!/usr/bin/env node
// virtrigaud-devcluster --kubeconfig <file> [--data-dir <dir>] [--no-kubelet] [--image <image>=<program>]
//   runs the devcluster (API server + dev kubelet) and writes a kubeconfig for it;
// virtrigaud-devcluster kubelet --kubeconfig <file> [--node-name <n>] [--pod-cidr <cidr>] [--image ...]
//   runs only the dev kubelet, joining the API server the kubeconfig names (a real one, say).
// Both print one line when ready, run until SIGINT/SIGTERM, then stop everything they started.
import { parseArgs } from 'node:util';
import { KubeConfig } from '@kubernetes/client-node';
import { startDevCluster } from './cluster';
import { Kubelet } from './kubelet/kubelet';

const USAGE = `usage: virtrigaud-devcluster --kubeconfig <file> [--data-dir <dir>] [--no-kubelet] [--image <image>=<program> ...]
       virtrigaud-devcluster kubelet --kubeconfig <file> [--node-name <name>] [--pod-cidr <cidr>] [--root-dir <dir>] [--image <image>=<program> ...]
`;

/** `--image example.com/web=/path/server.js` entries -> the kubelet's image map. */
function imageMap(entries: string[]): Record<string, string[]> {
  return Object.fromEntries(
    entries.map((entry) => {
      const at = entry.indexOf('=');
      if (at <= 0)
        throw new Error(`--image expects <image>=<program>, got ${JSON.stringify(entry)}`);
      return [entry.slice(0, at), [entry.slice(at + 1)]];
    }),
  );
}

const COMMON: {
  kubeconfig: { type: 'string' };
  image: { type: 'string'; multiple: true; default: string[] };
  help: { type: 'boolean'; short: 'h'; default: false };
} = {
  kubeconfig: { type: 'string' },
  image: { type: 'string', multiple: true, default: [] },
  help: { type: 'boolean', short: 'h', default: false },
};

/** Runs until SIGINT/SIGTERM, then stops and exits 130/143. */
function stopOnSignals(stop: () => Promise<void>): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    stop().then(
      () => process.exit(signal === 'SIGINT' ? 130 : 143),
      (error) => {
        process.stderr.write(`devcluster: stop failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

function usage(help: boolean): never {
  // Asked for, the usage is the output; otherwise it explains an error.
  (help ? process.stdout : process.stderr).write(USAGE);
  process.exit(help ? 0 : 2);
}

async function runDevCluster(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      ...COMMON,
      'data-dir': { type: 'string' },
      'no-kubelet': { type: 'boolean', default: false },
    },
  });
  if (values.help || !values.kubeconfig) usage(values.help);
  const cluster = await startDevCluster({
    kubeconfigPath: values.kubeconfig,
    dataDir: values['data-dir'],
    kubelet: values['no-kubelet'] ? false : { images: imageMap(values.image) },
  });
  process.stdout.write(
    `devcluster ready at ${cluster.url} (kubeconfig ${cluster.kubeconfigPath})\n`,
  );
  stopOnSignals(() => cluster.stop());
}

async function runKubelet(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      ...COMMON,
      'node-name': { type: 'string' },
      'pod-cidr': { type: 'string' },
      'root-dir': { type: 'string' },
    },
  });
  if (values.help || !values.kubeconfig) usage(values.help);
  const kc = new KubeConfig();
  kc.loadFromFile(values.kubeconfig);
  const kubelet = new Kubelet(kc, {
    nodeName: values['node-name'],
    podCIDR: values['pod-cidr'],
    rootDir: values['root-dir'],
    images: imageMap(values.image),
  });
  stopOnSignals(() => kubelet.stop());
  await kubelet.start();
  process.stdout.write(
    `devcluster kubelet ready: node ${kubelet.nodeName} joined ${kc.getCurrentCluster()?.server}\n`,
  );
}

const [command, ...rest] = process.argv.slice(2);
(command === 'kubelet' ? runKubelet(rest) : runDevCluster(process.argv.slice(2))).catch((error) => {
  process.stderr.write(`devcluster: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});

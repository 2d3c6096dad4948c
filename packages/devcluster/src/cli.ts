#!/usr/bin/env node
// virtrigaud-devcluster --kubeconfig <file> [--data-dir <dir>] [--no-kubelet] [--image <image>=<program>]
// Prints one line when ready, runs until SIGINT/SIGTERM, then stops everything it started.
import { parseArgs } from 'node:util';
import { startDevCluster } from './cluster';

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

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      kubeconfig: { type: 'string' },
      'data-dir': { type: 'string' },
      'no-kubelet': { type: 'boolean', default: false },
      image: { type: 'string', multiple: true, default: [] },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help || !values.kubeconfig) {
    // Asked for, the usage is the output; otherwise it explains an error.
    (values.help ? process.stdout : process.stderr).write(
      'usage: virtrigaud-devcluster --kubeconfig <file> [--data-dir <dir>] [--no-kubelet] [--image <image>=<program> ...]\n',
    );
    process.exit(values.help ? 0 : 2);
  }
  const cluster = await startDevCluster({
    kubeconfigPath: values.kubeconfig,
    dataDir: values['data-dir'],
    kubelet: values['no-kubelet'] ? false : { images: imageMap(values.image) },
  });
  process.stdout.write(
    `devcluster ready at ${cluster.url} (kubeconfig ${cluster.kubeconfigPath})\n`,
  );
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    cluster.stop().then(
      () => process.exit(signal === 'SIGINT' ? 130 : 143),
      (error) => {
        process.stderr.write(`devcluster: stop failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error) => {
  process.stderr.write(`devcluster: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});

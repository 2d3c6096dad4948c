// Lets @kubernetes/client-node's KubeConfig load without the library's generated API clients.
// Its config.js imports two names from gen/index.js (createConfiguration and ServerConfiguration,
// for makeApiClient(), which the manager never calls: ./client.ts is its REST client), and
// gen/index.js pulls in every typed API of every group: ~15 MiB of module source on the heap
// and ~40 MiB of RSS in all (measured: operator/bench/create-vms.mts, heap snapshot). This
// resolve/load hook hands config.js a module with just those two names, from the same files.
// Installed by main.ts before anything loads client-node; a process-wide loader hook, so only
// the manager binary installs it (tests load the full library, and Jest forbids such hooks). If
// a future client-node imports something else there, the hook no longer matches and the full
// module loads as before.
import { registerHooks } from 'node:module';

const CONFIG_MODULE = '/@kubernetes/client-node/dist/config.js';
const SUBSET = '#virtrigaud-config-subset';
const SUBSET_SOURCE = [
  "export { createConfiguration } from './configuration.js';",
  "export { ServerConfiguration } from './servers.js';",
].join('\n');

registerHooks({
  resolve(specifier, context, nextResolve) {
    const resolved = nextResolve(specifier, context);
    if (specifier === './gen/index.js' && context.parentURL?.endsWith(CONFIG_MODULE)) {
      return { ...resolved, url: resolved.url + SUBSET, format: 'module' };
    }
    return resolved;
  },
  load(url, context, nextLoad) {
    if (url.endsWith(SUBSET))
      return { format: 'module', source: SUBSET_SOURCE, shortCircuit: true };
    return nextLoad(url, context);
  },
});

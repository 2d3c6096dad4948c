#!/usr/bin/env node
// virtrigaud-manager: parses flags, loads the kubeconfig, runs the Manager until SIGTERM/SIGINT.
import { loadKubeConfig } from '@virtrigaud/kube';
import { Manager } from './manager';
import { parseCli, USAGE } from './cli/options';
import { createLogger } from './observability/logger';

async function main(): Promise<void> {
  let options;
  try {
    options = parseCli(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (options === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  const log = createLogger(options.logLevel);
  const kubeConfig = loadKubeConfig(options.kubeconfig);
  const manager = new Manager(kubeConfig, options, log, (reason) => {
    log.fatal({ reason }, 'exiting');
    log.flush();
    process.exit(1);
  });
  const shutdown = (signal: string) => {
    log.info({ signal }, 'shutting down');
    manager.stop().then(
      () => {
        log.flush();
        process.exit(0);
      },
      (err: unknown) => {
        log.error({ err: String(err) }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
  await manager.start();
}

main().catch((err: unknown) => {
  process.stderr.write(`virtrigaud-manager: ${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(1);
});

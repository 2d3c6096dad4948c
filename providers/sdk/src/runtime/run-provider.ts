// The `main` of every provider binary: configuration from the seed's flags, environment and
// mounted files, the server, and SIGTERM/SIGINT → graceful stop. Startup problems are one clear
// JSON log line (naming the flag or file, never a secret) and exit code 1.
import pino from 'pino';
import type { BackendFactory } from '../backend';
import { loadRuntimeConfig, providerUsage, type ExtraFlags } from '../config/runtime-config';
import { createSecretScrubber, type Scrub } from '../observability/secret-scrubber';
import { startProviderServer, type RunningProvider } from './provider-server';

export interface RunProviderOptions {
  /** The provider type this binary implements (`--provider-type` must agree when given). */
  type: string;
  createBackend: BackendFactory;
  /** Credential files the backend needs (e.g. ["username", "password"]). */
  requiredCredentials?: readonly string[];
  /** Provider-specific flags (values reach the backend factory as `config.flags`). */
  flags?: ExtraFlags;
  /** Defaults to process.argv.slice(2) and process.env. */
  argv?: string[];
  env?: NodeJS.ProcessEnv;
}

export async function runProvider(
  options: RunProviderOptions,
): Promise<RunningProvider | undefined> {
  const argv = options.argv ?? process.argv.slice(2);
  if (argv.includes('--help')) {
    process.stdout.write(providerUsage(options.type, options.flags));
    return undefined;
  }
  let running: RunningProvider;
  let scrub: Scrub = (text) => text;
  try {
    const config = loadRuntimeConfig({
      argv,
      env: options.env ?? process.env,
      type: options.type,
      requiredCredentials: options.requiredCredentials,
      extraFlags: options.flags,
    });
    // A backend factory's error could quote what it was given.
    scrub = createSecretScrubber(Object.values(config.credentials));
    running = await startProviderServer({
      ...config,
      type: options.type,
      createBackend: options.createBackend,
    });
  } catch (err) {
    pino({ base: { providerType: options.type } }, pino.destination(2)).fatal(
      { reason: scrub((err as Error).message) },
      'provider failed to start',
    );
    process.exitCode = 1;
    return undefined;
  }
  const onSignal = (signal: NodeJS.Signals) => {
    running.log.info({ signal }, 'signal received');
    running.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        running.log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  return running;
}

// Runs `virsh -c <uri> <args...>` as an argument array (never through a shell), with a timeout and
// the caller's abort signal, and maps failures to provider errors. Every hypervisor call of the
// backend goes through here.
import { execFile } from 'node:child_process';
import { ProviderError } from '@virtrigaud/provider-sdk';
import { virshFailure } from './virsh-errors';

export interface VirshOptions {
  /** libvirt connection URI (with ssh parameters already added). */
  uri: string;
  /** Timeout of one virsh run unless the call says otherwise. */
  timeoutMs: number;
  /** virsh binary (tests and the benchmark may point elsewhere). */
  binary?: string;
  /** Extra environment for virsh (the ssh wrapper's settings). */
  env?: Record<string, string>;
}

export interface RunOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}

const MAX_OUTPUT_BYTES = 64 * 1024 * 1024;

export class Virsh {
  constructor(readonly options: VirshOptions) {}

  /** Runs one virsh command; resolves with its stdout. */
  run(args: string[], opts: RunOptions = {}): Promise<string> {
    const timeoutMs = opts.timeoutMs ?? this.options.timeoutMs;
    const argv = ['-q', '-c', this.options.uri, ...args];
    return new Promise((resolve, reject) => {
      execFile(
        this.options.binary ?? 'virsh',
        argv,
        {
          timeout: timeoutMs,
          killSignal: 'SIGKILL',
          signal: opts.signal,
          maxBuffer: MAX_OUTPUT_BYTES,
          env: { ...process.env, ...this.options.env, LC_ALL: 'C' },
        },
        (error, stdout, stderr) => {
          if (!error) return resolve(stdout);
          reject(this.failure(args[0] ?? '', error, stderr, timeoutMs, opts.signal));
        },
      );
    });
  }

  /** Like run, but NOT_FOUND resolves to undefined (lookups of things that may not exist). */
  async lookup(args: string[], opts: RunOptions = {}): Promise<string | undefined> {
    try {
      return await this.run(args, opts);
    } catch (err) {
      if (err instanceof ProviderError && err.code === 'NOT_FOUND') return undefined;
      throw err;
    }
  }

  private failure(
    subcommand: string,
    error: Error & { code?: string | number | null; killed?: boolean },
    stderr: string,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Error {
    if (signal?.aborted || error.name === 'AbortError')
      return new ProviderError('DEADLINE_EXCEEDED', `virsh ${subcommand}: cancelled`);
    if (error.code === 'ENOENT')
      return new ProviderError('UNAVAILABLE', 'virsh is not installed on the provider host');
    if (error.killed)
      return new ProviderError(
        'DEADLINE_EXCEEDED',
        `virsh ${subcommand}: no answer within ${timeoutMs} ms`,
      );
    return virshFailure(subcommand, stderr, this.options.uri);
  }
}

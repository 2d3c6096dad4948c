// Runs the real `provider-mock` binary (this package's bin) as a separate process, the way the
// operator's Deployment does, and learns its ports from its "provider started" log line.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const packageDir = path.join(__dirname, '..', '..');
/** The file package.json declares as the `provider-mock` command. */
export const MOCK_BIN = path.join(
  packageDir,
  JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8')).bin['provider-mock'],
);

export interface SpawnedMock {
  child: ChildProcess;
  address: string;
  metricsUrl: string;
  /** Everything the process wrote so far (stdout + stderr). */
  output(): string;
  /** Resolves once a line of output satisfies `match`. */
  waitForLine(match: (line: string) => boolean, timeoutMs?: number): Promise<string>;
  /** Sends `signal` and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface SpawnOptions {
  args: string[];
  env: Record<string, string>;
  timeoutMs?: number;
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

function waitForLine(
  child: ChildProcess,
  output: () => string,
  match: (line: string) => boolean,
  timeoutMs: number,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const line = output().split('\n').find(match);
      if (!line) return;
      cleanup();
      resolve(line);
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`no matching output line within ${timeoutMs} ms:\n${output()}`));
    }, timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      child.stderr!.off('data', onData);
    };
    // Listeners added after spawnMock's own, so output() already holds the new chunk.
    const onData = () => check();
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    check();
  });
}

/** Starts the binary and waits for it to report its ports; rejects with its output if it exits. */
export function spawnMock(options: SpawnOptions): Promise<SpawnedMock> {
  const child = spawn(process.execPath, [MOCK_BIN, ...options.args], {
    env: { PATH: process.env.PATH ?? '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `provider-mock did not start within ${options.timeoutMs ?? 15_000} ms:\n${output}`,
        ),
      );
    }, options.timeoutMs ?? 15_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const started = output.split('\n').find((line) => line.includes('"provider started"'));
      if (!started) return;
      clearTimeout(timer);
      const { grpcPort, metricsPort } = JSON.parse(started);
      resolve({
        child,
        address: `127.0.0.1:${grpcPort}`,
        metricsUrl: `http://127.0.0.1:${metricsPort}`,
        output: () => output,
        waitForLine: (match, timeoutMs = 10_000) =>
          waitForLine(child, () => output, match, timeoutMs),
        stop: (signal = 'SIGTERM') => {
          child.kill(signal);
          return exited(child);
        },
      });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`provider-mock exited with ${code} before it started:\n${output}`));
    });
  });
}

/** Output of a run that is expected to fail at startup, and its exit code. */
export async function runToExit(
  options: SpawnOptions,
): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [MOCK_BIN, ...options.args], {
    env: { PATH: process.env.PATH ?? '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  // 'close' comes after the output streams ended, so nothing written is missed.
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  return { code, output };
}

// Runs a provider's real command (its package's bin) as a separate process, the way the
// operator's Deployment does, and learns its ports from its "provider started" log line.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Launch } from './seed-launch';

/** The file the package.json in `packageDir` declares as `command`. */
export function providerCommand(packageDir: string, command: string): string {
  const { bin } = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8'));
  return path.join(packageDir, bin[command]);
}

export interface RunningProviderProcess {
  child: ChildProcess;
  address: string;
  metricsUrl: string;
  /** Everything the process wrote so far (stdout + stderr). */
  output(): string;
  /** Resolves once a line of output satisfies `match`. */
  waitForLine(match: (line: string) => boolean, timeoutMs?: number): Promise<string>;
  /** Sends `signal` unless the process has exited already; resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface StartOptions extends Launch {
  /** How long it may take to report its ports before it is killed; 15 s unless set. */
  timeoutMs?: number;
}

function spawnCommand(file: string, { args, env }: Launch): ChildProcess {
  return spawn(process.execPath, [file, ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function stop(child: ChildProcess, signal: NodeJS.Signals): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  child.kill(signal);
  return exited;
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
    // Listeners added after startProviderProcess's own, so output() already holds the new chunk.
    const onData = () => check();
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    check();
  });
}

/** Starts `file` and waits for it to report its ports; rejects with its output if it exits. */
export function startProviderProcess(
  file: string,
  { timeoutMs = 15_000, ...launch }: StartOptions,
): Promise<RunningProviderProcess> {
  const child = spawnCommand(file, launch);
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${file} did not start within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
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
        waitForLine: (match, lineTimeoutMs = 10_000) =>
          waitForLine(child, () => output, match, lineTimeoutMs),
        stop: (signal = 'SIGTERM') => stop(child, signal),
      });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${file} exited with ${code} before it started:\n${output}`));
    });
  });
}

/** Output and exit code of a run that is expected to fail at startup. */
export async function runToExit(
  file: string,
  launch: Launch,
): Promise<{ code: number | null; output: string }> {
  const child = spawnCommand(file, launch);
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  // 'close' comes after the output streams ended, so nothing written is missed.
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  return { code, output };
}

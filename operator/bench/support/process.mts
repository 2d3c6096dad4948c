// Child processes for the benchmark: started with a deadline on their "ready" line, stdout
// drained line by line (a full pipe would stall a logging manager), stopped with SIGTERM and
// SIGKILL after a grace period, and never left behind when the benchmark fails.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

export interface Started<T> {
  child: ChildProcess;
  ready: T;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Spawns `node <args>` and resolves with `ready(line)`'s first non-undefined answer. */
export function startNode<T>(
  args: string[],
  ready: (line: string) => T | undefined,
  what: string,
  timeoutMs = 60_000,
): Promise<Started<T>> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  running.add(child);
  child.once('exit', () => running.delete(child));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const escalate = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(escalate);
  };
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (err: Error) => {
      if (settled) return;
      settled = true;
      void stop().then(() => reject(err));
    };
    const timer = setTimeout(
      () => fail(new Error(`${what}: not ready after ${timeoutMs} ms`)),
      timeoutMs,
    );
    child.once('exit', (code, signal) => fail(new Error(`${what} exited (${code ?? signal})`)));
    createInterface(child.stdout!).on('line', (line) => {
      if (settled) return;
      const value = ready(line);
      if (value === undefined) return;
      settled = true;
      clearTimeout(timer);
      resolve({ child, ready: value, stop });
    });
  });
}

/** Resident and peak resident set size of a process, from /proc (bytes). */
export function residentMemory(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)![1]) * 1024;
  return { rss: kib('VmRSS'), peak: kib('VmHWM') };
}

/** CPU time (user + system) a process has used so far, in seconds (Linux: 100 ticks/s). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Every process below `pid` (e.g. the pods the dev kubelet runs). */
export function descendants(pid: number): number[] {
  let children: number[] = [];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .split(' ')
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
  return children.flatMap((child) => [child, ...descendants(child)]);
}

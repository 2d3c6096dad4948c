// A daemon of the control plane, started as the leader of its own process group and logging to a
// file. Its group is killed by stop(), and also when the test process exits without calling it,
// so no etcd or apiserver outlives the jest worker that started it.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';

export interface Daemon {
  readonly name: string;
  readonly logFile: string;
  /** Resolves with the exit code or signal once the process has ended. */
  readonly exited: Promise<string>;
  hasExited(): boolean;
  /** The end of its log, for error messages. */
  logTail(lines?: number): string;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

function killGroup(child: ChildProcess): void {
  try {
    process.kill(-child.pid!, 'SIGKILL');
  } catch {
    // The group is already gone.
  }
}

export function startDaemon(name: string, binary: string, args: string[], logFile: string): Daemon {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => running.forEach(killGroup));
  }
  const log = fs.openSync(logFile, 'a');
  const child = spawn(binary, args, { detached: true, stdio: ['ignore', log, log] });
  fs.closeSync(log);
  running.add(child);
  // The daemons are stopped explicitly; their handles must not keep jest's event loop alive.
  child.unref();
  let ended = false;
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => {
      ended = true;
      running.delete(child);
      resolve(signal ?? `exit code ${code}`);
    });
    child.once('error', (error) => {
      ended = true;
      running.delete(child);
      resolve(error.message);
    });
  });
  return {
    name,
    logFile,
    exited,
    hasExited: () => ended,
    logTail: (lines = 20) => {
      const text = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '';
      return text.trimEnd().split('\n').slice(-lines).join('\n');
    },
    // Killed outright: a test control plane keeps nothing worth a graceful shutdown (its data
    // directory is deleted next), and the apiserver's graceful stop takes 5-10 s.
    stop: async () => {
      if (ended) return;
      child.ref(); // waiting for the exit must keep the event loop alive
      killGroup(child);
      await exited;
    },
  };
}

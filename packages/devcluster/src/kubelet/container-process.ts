// One container as a local process: started with the current node (JavaScript programs, with the
// guard preloaded) or through the guard wrapper, stdout/stderr appended to the container's log
// file, restarted with exponential backoff after it exits (per restartPolicy), killed when its
// liveness probe fails, and stopped with SIGTERM then SIGKILL after the grace period. Each process
// leads a process group of its own (spawned detached) and every signal goes to the whole group,
// like a container's cgroup: whatever the program forked dies with it, and once the main process
// has exited the rest of its group is killed, so nothing a container started outlives it.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { timestamp } from '../api/objects';

export interface ContainerState {
  running?: { startedAt: string };
  waiting?: { reason: string; message?: string };
  terminated?: {
    exitCode: number;
    reason: string;
    startedAt?: string;
    finishedAt: string;
    signal?: number;
  };
}

export interface ContainerProcessOptions {
  name: string;
  program: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
  logFile: string;
  restartPolicy: 'Always' | 'OnFailure' | 'Never';
  backoffBaseMs: number;
  backoffMaxMs: number;
  onChange: () => void;
}

/** The compiled guard; tests run these sources from src/ (via SWC), next to which dist/ holds it. */
const GUARD = [
  path.join(__dirname, 'guard.js'),
  path.join(__dirname, '..', '..', 'dist', 'kubelet', 'guard.js'),
].find((file) => fs.existsSync(file))!;
/** A process that ran this long before exiting starts its backoff over. */
const BACKOFF_RESET_MS = 10_000;

export class ContainerProcess {
  state: ContainerState = { waiting: { reason: 'ContainerCreating' } };
  lastState: ContainerState = {};
  restartCount = 0;
  private child?: ChildProcess;
  private startedAt = 0;
  private backoffMs: number;
  private restartTimer?: NodeJS.Timeout;
  private stopping = false;
  private exited: Promise<void> = Promise.resolve();

  constructor(private readonly options: ContainerProcessOptions) {
    this.backoffMs = options.backoffBaseMs;
  }

  get running(): boolean {
    return this.state.running !== undefined;
  }

  start(): void {
    if (this.stopping) return;
    const { program, args, env, cwd, logFile } = this.options;
    fs.mkdirSync(path.dirname(logFile), { recursive: true });
    const log = fs.openSync(logFile, 'a');
    const isJavaScript = /\.(c|m)?js$/.test(program);
    const argv = isJavaScript ? ['--require', GUARD, program, ...args] : [GUARD, program, ...args];
    const child = spawn(process.execPath, argv, {
      cwd,
      env,
      stdio: ['ignore', log, log, 'pipe'],
      detached: true,
    });
    fs.closeSync(log);
    this.child = child;
    this.startedAt = Date.now();
    this.state = { running: { startedAt: timestamp() } };
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => resolve(this.onExit(code, signal))),
    );
    child.on('error', (error) =>
      fs.appendFileSync(logFile, `devcluster: cannot start ${program}: ${error.message}\n`),
    );
    this.options.onChange();
  }

  /** Kills the process (liveness failure); it restarts per restartPolicy. */
  kill(): void {
    if (this.child) signalGroup(this.child, 'SIGKILL');
  }

  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    const child = this.child;
    if (!child) return;
    signalGroup(child, 'SIGTERM');
    const killer = setTimeout(() => signalGroup(child, 'SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(killer);
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    // The main process is gone; the rest of its group goes with it (before any restart).
    if (this.child) signalGroup(this.child, 'SIGKILL');
    const exitCode = code ?? 128 + (signal === 'SIGKILL' ? 9 : 15);
    const terminated = {
      exitCode,
      reason: exitCode === 0 ? 'Completed' : 'Error',
      startedAt: this.state.running?.startedAt,
      finishedAt: timestamp(),
    };
    this.child = undefined;
    if (this.stopping) {
      this.state = { terminated };
      return;
    }
    const restart =
      this.options.restartPolicy === 'Always' ||
      (this.options.restartPolicy === 'OnFailure' && exitCode !== 0);
    if (!restart) {
      this.state = { terminated };
      this.options.onChange();
      return;
    }
    if (Date.now() - this.startedAt > BACKOFF_RESET_MS) this.backoffMs = this.options.backoffBaseMs;
    this.lastState = { terminated };
    this.state = {
      waiting: {
        reason: 'CrashLoopBackOff',
        message: `back-off ${this.backoffMs}ms restarting failed container=${this.options.name}`,
      },
    };
    this.restartCount++;
    this.restartTimer = setTimeout(() => this.start(), this.backoffMs);
    this.backoffMs = Math.min(this.backoffMs * 2, this.options.backoffMaxMs);
    this.options.onChange();
  }
}

/** Signals the process group the child leads; a group already gone is not an error. */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

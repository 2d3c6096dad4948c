// Proxmox worker tasks: every async API call starts one and answers its UPID
// (`UPID:<node>:<pid>:<pstart>:<starttime>:<type>:<id>:<user>:`). A task finishes once its delay
// has passed, checked whenever the simulator handles a request (no timers to clean up, and time
// only moves for the tests that wait on it). Its effect runs at the end, as in Proxmox, where the
// worker does the work; an effect that throws ends the task with that message as exit status, and
// then the task's cleanup runs (a failed create removes the VM's config, as qemu-server does).
export interface Task {
  upid: string;
  node: string;
  pid: number;
  pstart: number;
  starttime: number;
  type: string;
  id: string;
  user: string;
  status: 'running' | 'stopped';
  exitstatus?: string;
}

interface PendingTask {
  task: Task;
  finishAt: number;
  effect: () => void;
  cleanup?: () => void;
}

const hex = (value: number) => value.toString(16).toUpperCase().padStart(8, '0');

export class TaskList {
  private readonly tasks = new Map<string, Task>();
  private readonly pending: PendingTask[] = [];
  private readonly failures = new Map<string, string>();
  private nextPid = 0x1000;

  constructor(private readonly delayMs: () => number) {}

  /** The next task of `type` (`qmstart`, `qmclone`, ...) fails with `exitstatus`. */
  failNext(type: string, exitstatus: string): void {
    this.failures.set(type, exitstatus);
  }

  start(
    node: string,
    type: string,
    id: string,
    user: string,
    effect: () => void,
    cleanup?: () => void,
  ): string {
    const pid = this.nextPid++;
    const starttime = Math.floor(Date.now() / 1000);
    const pstart = pid * 7;
    const upid = `UPID:${node}:${hex(pid)}:${hex(pstart)}:${hex(starttime)}:${type}:${id}:${user}:`;
    const task: Task = { upid, node, pid, pstart, starttime, type, id, user, status: 'running' };
    this.tasks.set(upid, task);
    const failure = this.failures.get(type);
    this.failures.delete(type);
    const run = failure
      ? () => {
          throw new Error(failure);
        }
      : effect;
    this.pending.push({ task, finishAt: Date.now() + this.delayMs(), effect: run, cleanup });
    return upid;
  }

  /** Finishes every task whose time has come, in the order they started. */
  settle(): void {
    const now = Date.now();
    while (this.pending.length && this.pending[0].finishAt <= now) {
      const { task, effect, cleanup } = this.pending.shift()!;
      try {
        effect();
        task.exitstatus = 'OK';
      } catch (err) {
        task.exitstatus = (err as Error).message;
        cleanup?.();
      }
      task.status = 'stopped';
    }
  }

  get(upid: string): Task | undefined {
    return this.tasks.get(upid);
  }
}

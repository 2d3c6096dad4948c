// Test support: whether a process still runs. A zombie (exited, not yet reaped by whoever adopted
// it, which in a container may take a while) counts as gone; without /proc, signal 0 asks.
import fs from 'node:fs';

export function isRunning(pid: number): boolean {
  if (fs.existsSync('/proc/self/stat')) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
    } catch {
      return false;
    }
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

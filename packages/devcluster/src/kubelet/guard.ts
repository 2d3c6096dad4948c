// Loaded into every process the dev kubelet starts (`node --require guard.js program.js`), or
// run as a wrapper for non-Node programs (`node guard.js program args...`). The kubelet holds
// the other end of a pipe on fd 3; when the kubelet's process dies, even by SIGKILL, the pipe
// closes and the guarded process's whole process group (it leads one) terminates, so nothing it
// started outlives the kubelet.
import { spawn } from 'node:child_process';
import net from 'node:net';

const GRACE_MS = 5000;

function signalOwnGroup(signal: NodeJS.Signals): void {
  try {
    process.kill(-process.pid, signal);
  } catch {
    process.kill(process.pid, signal); // not a group leader (run by hand)
  }
}

function terminateGroup(): void {
  signalOwnGroup('SIGTERM');
  setTimeout(() => signalOwnGroup('SIGKILL'), GRACE_MS).unref();
}

function onParentGone(terminate: () => void): void {
  let pipe: net.Socket;
  try {
    pipe = new net.Socket({ fd: 3, readable: true, writable: false });
  } catch {
    return; // not started by the kubelet
  }
  pipe.on('error', terminate);
  pipe.on('close', terminate);
  pipe.resume();
  pipe.unref();
}

if (require.main === module) {
  const [program, ...args] = process.argv.slice(2);
  const child = spawn(program, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 + 15 : 1)));
  child.on('error', (error) => {
    process.stderr.write(`devcluster: cannot start ${program}: ${error.message}\n`);
    process.exit(127);
  });
  onParentGone(terminateGroup);
} else {
  onParentGone(terminateGroup);
}

// The real `virtrigaud-manager` command (the package's bin, operator/dist/main.js) as a child
// process, so a fault test can SIGKILL it at any point, as a node failure or the OOM killer would.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const packageDir = path.join(__dirname, '..', '..');
const MANAGER_BIN = path.join(
  packageDir,
  JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8')).bin[
    'virtrigaud-manager'
  ],
);

export class ManagerProcess {
  private output = '';
  private readonly exited: Promise<void>;

  private constructor(private readonly child: ChildProcess) {
    const append = (chunk: Buffer) => (this.output += chunk.toString('utf8'));
    child.stdout!.on('data', append);
    child.stderr!.on('data', append);
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
  }

  /** Starts the manager against the devcluster, with fast health checks and no listeners. */
  static start(kubeconfigPath: string, extraArgs: string[] = []): ManagerProcess {
    const child = spawn(
      process.execPath,
      [
        MANAGER_BIN,
        `--kubeconfig=${kubeconfigPath}`,
        '--metrics-addr=0',
        '--health-addr=0',
        '--service-address-source=devcluster-annotation',
        '--provider-health-interval=500ms',
        `--log-level=${process.env.MANAGER_LOG_LEVEL ?? 'warn'}`,
        ...extraArgs,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    return new ManagerProcess(child);
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** What the process wrote (for failure messages). */
  log(): string {
    return this.output;
  }

  /** SIGKILL: no shutdown hook runs, in-flight writes and calls are cut wherever they are. */
  async kill(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.exited;
  }
}

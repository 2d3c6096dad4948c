// A container's processes as a group: stopping the container, or its main process exiting, leaves
// nothing it started alive, even a child that ignores SIGTERM.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ContainerProcess } from './container-process';
import { eventually } from '@virtrigaud/testing';
import { isRunning } from '../testing/process-alive';

const FIXTURE = path.join(__dirname, 'fixtures', 'spawns-child.js');

/** A SIGKILLed process disappears once the kernel has torn it down; that is not instant. */
const dies = (pid: number) =>
  eventually(`process ${pid} to die`, () => !isRunning(pid), { timeoutMs: 5_000 });

describe('container process group', () => {
  let dir: string;
  const started: ContainerProcess[] = [];
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'container-process-'))));
  afterEach(async () => {
    await Promise.all(started.splice(0).map((c) => c.stop(0)));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const start = (restartPolicy: 'Always' | 'Never') => {
    const logFile = path.join(dir, 'logs', 'main.log');
    const container = new ContainerProcess({
      name: 'main',
      program: FIXTURE,
      args: [],
      env: { PATH: process.env.PATH ?? '' },
      cwd: dir,
      logFile,
      restartPolicy,
      backoffBaseMs: 60_000,
      backoffMaxMs: 60_000,
      onChange: () => undefined,
    });
    started.push(container);
    container.start();
    return {
      container,
      pids: () =>
        eventually('the container to log its pids', () => {
          const line = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').trim() : '';
          return line ? (JSON.parse(line) as { parent: number; child: number }) : undefined;
        }),
    };
  };

  it('stops the main process and the child that ignores SIGTERM', async () => {
    const { container, pids } = start('Always');
    const { parent, child } = await pids();
    expect(isRunning(parent) && isRunning(child)).toBe(true);
    await container.stop(5_000);
    expect(container.state.terminated).toBeDefined();
    expect(isRunning(parent)).toBe(false);
    await dies(child);
  });

  it('kills the rest of the group when the main process exits on its own', async () => {
    const { container, pids } = start('Never');
    const { parent, child } = await pids();
    process.kill(parent, 'SIGKILL');
    await eventually('the container to terminate', () => container.state.terminated);
    expect(container.state.terminated?.exitCode).toBe(137);
    await dies(child);
  });
});

// scripts/leftover-processes.sh, which scripts/test.sh runs after jest: a process the test run left
// behind (in jest's session, or marked with the run's VIRTRIGAUD_TEST_RUN) is reported, stopped
// and fails the run; a clean run passes.
import { execFile, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eventually } from '@virtrigaud/testing';

jest.setTimeout(30_000);

const SCRIPT = path.join(__dirname, '..', '..', 'scripts', 'leftover-processes.sh');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'leftovers-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Runs `command` in a new session; returns the session id once it is written. */
async function inNewSession(command: string): Promise<number> {
  const sidFile = path.join(tmp, `sid-${Math.random().toString(36).slice(2)}`);
  spawnSync('setsid', ['bash', '-c', `echo $$ > ${sidFile}; ${command}`], { stdio: 'ignore' });
  return Number(fs.readFileSync(sidFile, 'utf8'));
}

function check(sid: number, marker: string): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile('bash', [SCRIPT, String(sid), marker], (error, _stdout, stderr) =>
      resolve({ code: error ? Number(error.code) : 0, stderr }),
    );
  });
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

it('refuses a session id that cannot be a test run', async () => {
  expect((await check(0, 'a-run')).code).toBe(2);
});

it('passes when the run left nothing behind', async () => {
  const sid = await inNewSession('true');
  expect(await check(sid, 'no-such-run')).toEqual({ code: 0, stderr: '' });
});

it("reports, stops and fails on a process left in the run's session", async () => {
  const pidFile = path.join(tmp, 'session-leftover');
  const sid = await inNewSession(`sleep 300 & echo $! > ${pidFile}`);
  const pid = Number(fs.readFileSync(pidFile, 'utf8'));
  expect(alive(pid)).toBe(true);
  const result = await check(sid, 'no-such-run');
  expect(result.code).toBe(1);
  expect(result.stderr).toContain('left 1 process(es) running');
  expect(result.stderr).toMatch(new RegExp(`^\\s*${pid}\\s.*sleep 300$`, 'm'));
  await eventually(`process ${pid} stopped`, () => !alive(pid));
});

it('finds a process that left the session but carries the run marker', async () => {
  const pidFile = path.join(tmp, 'marked-leftover');
  const marker = `run-${process.pid}`;
  await inNewSession(
    `VIRTRIGAUD_TEST_RUN=${marker} setsid bash -c 'echo $$ > ${pidFile}; exec sleep 301' &`,
  );
  const pid = await eventually('the marked process', () =>
    fs.existsSync(pidFile) ? Number(fs.readFileSync(pidFile, 'utf8')) || undefined : undefined,
  );
  const finishedSession = await inNewSession('true');
  const result = await check(finishedSession, marker);
  expect(result.code).toBe(1);
  expect(result.stderr).toMatch(new RegExp(`^\\s*${pid}\\s.*sleep 301$`, 'm'));
  await eventually(`process ${pid} stopped`, () => !alive(pid));
});

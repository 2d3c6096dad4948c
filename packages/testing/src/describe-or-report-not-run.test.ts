// Runs small jest files in a child jest, so the outcome (passed, failed, todo) is jest's own.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const JEST = require.resolve('jest/bin/jest');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'not-run-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

interface Outcome {
  exitCode: number;
  tests: { title: string; status: string; failureMessages: string[] }[];
  stderr: string;
}

async function runSuite(missing: string | undefined, env: NodeJS.ProcessEnv): Promise<Outcome> {
  const file = path.join(dir, `suite-${Math.random().toString(36).slice(2)}.test.js`);
  fs.writeFileSync(
    file,
    `const { describeOrReportNotRun } = require(${JSON.stringify(require.resolve('../dist/describe-or-report-not-run.js'))});
describeOrReportNotRun('kubectl suite', ${JSON.stringify(missing)}, () => {
  it('runs', () => expect(1).toBe(1));
});
`,
  );
  const result = await promisify(execFile)(
    process.execPath,
    [JEST, '--config', JSON.stringify({ rootDir: dir, transform: {} }), '--json', '--ci', file],
    { env: { ...process.env, ...env }, cwd: dir },
  ).then(
    (ok) => ({ ...ok, exitCode: 0 }),
    (failed: { stdout: string; stderr: string; code: number }) => ({
      ...failed,
      exitCode: failed.code,
    }),
  );
  const report = JSON.parse(result.stdout);
  return {
    exitCode: result.exitCode,
    stderr: result.stderr,
    tests: report.testResults[0].assertionResults.map(
      (r: { title: string; status: string; failureMessages: string[] }) => ({
        title: r.title,
        status: r.status,
        failureMessages: r.failureMessages,
      }),
    ),
  };
}

jest.setTimeout(60_000);

it('runs the suite when nothing is missing', async () => {
  const outcome = await runSuite(undefined, { CI: 'true' });
  expect(outcome.exitCode).toBe(0);
  expect(outcome.tests).toEqual([{ title: 'runs', status: 'passed', failureMessages: [] }]);
});

it('reports a suite that could not run as a todo naming the reason, and warns', async () => {
  const outcome = await runSuite('kubectl is not installed', { CI: '' });
  expect(outcome.exitCode).toBe(0);
  expect(outcome.tests).toEqual([
    {
      title: 'kubectl suite: NOT RUN: kubectl is not installed',
      status: 'todo',
      failureMessages: [],
    },
  ]);
  expect(outcome.stderr).toContain('kubectl suite: NOT RUN: kubectl is not installed');
});

it('fails the run under CI=true', async () => {
  const outcome = await runSuite('kubectl is not installed', { CI: 'true' });
  expect(outcome.exitCode).toBe(1);
  expect(outcome.tests).toEqual([
    {
      title: 'kubectl suite',
      status: 'failed',
      failureMessages: [
        expect.stringContaining(
          'kubectl suite: NOT RUN (CI=true requires it): kubectl is not installed',
        ),
      ],
    },
  ]);
});

// Debian's prometheus and promtool for tests: installed by scripts/ensure-prometheus.sh when
// missing. Without them a suite is reported as not run; with CI=true their absence is an error.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

export const PROMETHEUS = '/usr/bin/prometheus';
export const PROMTOOL = '/usr/bin/promtool';

const ENSURE_SCRIPT = path.join(__dirname, '..', '..', 'scripts', 'ensure-prometheus.sh');

/** True when the binaries are there (installed now if needed); false (with a warning) if not. */
export async function ensurePrometheus(suite: string): Promise<boolean> {
  try {
    await promisify(execFile)('bash', [ENSURE_SCRIPT], { timeout: 600_000 });
    return true;
  } catch (err) {
    const reason =
      `${suite} needs Debian's prometheus package (${PROMTOOL}, ${PROMETHEUS}) and ` +
      `could not install it: ${err instanceof Error ? err.message : String(err)}`;
    if (process.env.CI === 'true') throw new Error(reason);
    console.warn(`NOT RUN: ${reason}`);
    return false;
  }
}

export interface ToolResult {
  code: number;
  output: string;
}

/** Runs promtool; resolves with its exit code and combined output (a failing check is a result). */
export function promtool(args: string[], cwd?: string): Promise<ToolResult> {
  return new Promise((resolve) => {
    execFile(PROMTOOL, args, { cwd, timeout: 120_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, output: `${stdout}${stderr}` });
    });
  });
}

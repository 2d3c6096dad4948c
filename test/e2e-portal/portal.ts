// Runs the portal exactly as `npm start` does (scripts/start.sh), on free ports and with the
// production frontend bundle served by the backend, and stops it the way a user does: SIGINT
// (Ctrl-C) to the script, which must take every component down with it.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { eventually } from '@virtrigaud/testing';

/** The repository root: the nearest directory up from here holding scripts/start.sh (src or dist). */
export const REPO_ROOT = (() => {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'scripts', 'start.sh'))) {
    if (path.dirname(dir) === dir) throw new Error(`no scripts/start.sh above ${__dirname}`);
    dir = path.dirname(dir);
  }
  return dir;
})();

export interface Portal {
  url: string;
  kubeconfig: string;
  clusterUrl: string;
  runDir: string;
  /** Ctrl-C; resolves with the script's exit code once it exited. */
  stop(): Promise<number | null>;
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Waits for a line matching `pattern` on the child's stderr; rejects if it exits first. */
function waitForLine(child: ChildProcess, pattern: RegExp, timeoutMs: number, log: string[]) {
  return new Promise<RegExpMatchArray>((resolve, reject) => {
    const timer = setTimeout(
      () => fail(new Error(`no line matching ${pattern} within ${timeoutMs} ms`)),
      timeoutMs,
    );
    let buffer = '';
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString();
      let newline: number;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        log.push(line);
        const match = pattern.exec(line);
        if (match) return done(() => resolve(match));
      }
    };
    const onExit = (code: number | null) => fail(new Error(`start.sh exited (${code})`));
    function fail(error: Error) {
      done(() => reject(new Error(`${error.message}\n${log.slice(-40).join('\n')}`)));
    }
    function done(settle: () => void) {
      clearTimeout(timer);
      child.stderr!.off('data', onData);
      child.off('exit', onExit);
      settle();
    }
    child.stderr!.on('data', onData);
    child.once('exit', onExit);
  });
}

export async function startPortal(env: Record<string, string> = {}): Promise<Portal> {
  execFileSync('bash', [path.join(REPO_ROOT, 'scripts/build-portal-bundle.sh')], {
    stdio: 'inherit',
  });
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'virtrigaud-e2e-'));
  const child = spawn('bash', [path.join(REPO_ROOT, 'scripts/start.sh')], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      VIRTRIGAUD_SKIP_SETUP: '1',
      VIRTRIGAUD_FRONTEND: 'bundle',
      VIRTRIGAUD_BACKEND_PORT: String(await freePort()),
      VIRTRIGAUD_RUN_DIR: runDir,
      ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const log: string[] = [];
  try {
    const [, clusterUrl, kubeconfig] = await waitForLine(
      child,
      /devcluster ready at (\S+) \(kubeconfig (\S+)\)/,
      120_000,
      log,
    );
    const [, url] = await waitForLine(child, /portal ready: (\S+)/, 300_000, log);
    child.stderr!.resume();
    return {
      url,
      kubeconfig,
      clusterUrl,
      runDir,
      async stop() {
        child.kill('SIGINT');
        return exited;
      },
    };
  } catch (error) {
    child.kill('SIGINT');
    await exited;
    throw error;
  }
}

export interface Backend {
  url: string;
  stop(): Promise<void>;
}

/**
 * A second backend on the same cluster whose guest sign-in is another user: the browser tests
 * use it to see the portal as `user:default/viewer`, whom the portal policy denies deletes.
 */
export async function startBackendAs(portal: Portal, userEntityRef: string): Promise<Backend> {
  const port = await freePort();
  const url = `http://localhost:${port}`;
  const child = spawn(
    process.execPath,
    ['dist/index.js', '--config', path.join(REPO_ROOT, 'app-config.yaml')],
    {
      cwd: path.join(REPO_ROOT, 'packages/backend'),
      env: {
        ...process.env,
        NODE_ENV: 'development',
        KUBECONFIG: portal.kubeconfig,
        VIRTRIGAUD_CLUSTER_URL: portal.clusterUrl,
        APP_CONFIG_backend_listen_port: String(port),
        APP_CONFIG_backend_baseUrl: url,
        APP_CONFIG_app_baseUrl: url,
        APP_CONFIG_backend_cors_origin: url,
        APP_CONFIG_auth_providers_guest_userEntityRef: userEntityRef,
      },
      stdio: [
        'ignore',
        fs.openSync(path.join(portal.runDir, 'backend-viewer.log'), 'w'),
        'inherit',
      ],
    },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await eventually(
    `backend ${url} ready`,
    async () => {
      const response = await fetch(`${url}/.backstage/health/v1/readiness`).catch(() => undefined);
      return response?.ok;
    },
    { timeoutMs: 120_000, intervalMs: 250 },
  );
  return {
    url,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

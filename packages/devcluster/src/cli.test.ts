// The command: prints one ready line, serves kubectl/client-node, stops its pods on SIGTERM; its
// `kubelet` subcommand joins an API server named by a kubeconfig as a Node.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { startDevCluster } from './cluster';

// Starting node and loading client-node's generated clients takes seconds on a loaded machine.
jest.setTimeout(60_000);

const CLI = path.join(__dirname, '..', 'dist', 'cli.js');
const children: ChildProcess[] = [];
let dir: string;

beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'devcluster-cli-'))));
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Starts the CLI; resolves with its first line of output. */
function run(args: string[]): { child: ChildProcess; ready: Promise<string> } {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += String(chunk)));
  const ready = new Promise<string>((resolve, reject) => {
    child.stdout!.once('data', (chunk) => resolve(String(chunk)));
    child.once('exit', (code) => reject(new Error(`exited with ${code}: ${stderr}`)));
  });
  return { child, ready };
}

function exitCode(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

it('starts, writes a working kubeconfig, and exits on SIGTERM', async () => {
  const kubeconfig = path.join(dir, 'kubeconfig');
  const { child, ready } = run(['--kubeconfig', kubeconfig]);
  expect(await ready).toMatch(/^devcluster ready at http:\/\/127\.0\.0\.1:\d+/);
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  const namespaces = await kc.makeApiClient(CoreV1Api).listNamespace();
  expect(namespaces.items.map((n) => n.metadata?.name)).toContain('default');
  const exited = exitCode(child);
  child.kill('SIGTERM');
  expect(await exited).toBe(143);
});

it('runs the kubelet alone: it joins the server of a kubeconfig as a Ready node', async () => {
  const cluster = await startDevCluster({ kubeconfigPath: path.join(dir, 'kubeconfig') });
  try {
    const { child, ready } = run([
      'kubelet',
      '--kubeconfig',
      cluster.kubeconfigPath,
      '--node-name',
      'agent-7',
    ]);
    expect(await ready).toBe(`devcluster kubelet ready: node agent-7 joined ${cluster.url}\n`);
    const kc = new KubeConfig();
    kc.loadFromFile(cluster.kubeconfigPath);
    const node = await kc.makeApiClient(CoreV1Api).readNode({ name: 'agent-7' });
    expect(node.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    const exited = exitCode(child);
    child.kill('SIGTERM');
    expect(await exited).toBe(143);
  } finally {
    await cluster.stop();
  }
});

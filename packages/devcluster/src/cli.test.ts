// The command: prints one ready line, serves kubectl/client-node, stops its pods on SIGTERM.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';

const CLI = path.join(__dirname, '..', 'dist', 'cli.js');

it('starts, writes a working kubeconfig, and exits on SIGTERM', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'devcluster-cli-'));
  const kubeconfig = path.join(dir, 'kubeconfig');
  const child = spawn(process.execPath, [CLI, '--kubeconfig', kubeconfig], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    const line = await new Promise<string>((resolve, reject) => {
      child.stdout.once('data', (chunk) => resolve(String(chunk)));
      child.once('exit', (code) => reject(new Error(`exited with ${code}`)));
    });
    expect(line).toMatch(/^devcluster ready at http:\/\/127\.0\.0\.1:\d+/);
    const kc = new KubeConfig();
    kc.loadFromFile(kubeconfig);
    const namespaces = await kc.makeApiClient(CoreV1Api).listNamespace();
    expect(namespaces.items.map((n) => n.metadata?.name)).toContain('default');
    const exited = new Promise<number | null>((resolve) =>
      child.once('exit', (code) => resolve(code)),
    );
    child.kill('SIGTERM');
    expect(await exited).toBe(143);
  } finally {
    child.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

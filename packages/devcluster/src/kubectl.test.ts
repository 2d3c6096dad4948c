// kubectl as an independent client: apply, get (with CRD printer columns), get -w, describe,
// patch --type merge, delete.
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describeOrReportNotRun, eventually } from '@virtrigaud/testing';
import { clusterUnderTest, type ClusterUnderTest } from './testing/cluster-under-test';
import { widgetCrd } from './testing/fixtures';

const KUBECTL_PATHS = ['/usr/bin/kubectl', '/usr/local/bin/kubectl'];
const KUBECTL = KUBECTL_PATHS.find((file) => fs.existsSync(file));
const noKubectl = KUBECTL ? undefined : `kubectl is not installed (${KUBECTL_PATHS.join(', ')})`;
const run = promisify(execFile);
const KUBECTL_TEST_TIMEOUT_MS = 30_000;

describeOrReportNotRun('kubectl against the cluster', noKubectl, () => {
  let cluster: ClusterUnderTest;
  let namespace: string;
  let dir: string;
  const kubectl = async (...args: string[]) =>
    (await run(KUBECTL!, ['--kubeconfig', cluster.kubeconfigPath, '-n', namespace, ...args]))
      .stdout;

  beforeAll(async () => {
    cluster = await clusterUnderTest();
    namespace = await cluster.newNamespace('kubectl');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubectl-test-'));
  });
  afterAll(async () => {
    await cluster?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  // Each kubectl run against a real server re-reads discovery over TLS (~0.5 s): more than
  // jest's default 5 s for a test of ten runs.
  it(
    'applies, re-applies and reads back built-in objects',
    async () => {
      const file = path.join(dir, 'app.json');
      const manifest = (replicas: number, value: string) => ({
        apiVersion: 'v1',
        kind: 'List',
        items: [
          {
            apiVersion: 'v1',
            kind: 'ConfigMap',
            metadata: { name: 'settings' },
            data: { mode: value },
          },
          {
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            metadata: { name: 'web' },
            spec: {
              replicas,
              selector: { matchLabels: { app: 'web' } },
              template: {
                metadata: { labels: { app: 'web' } },
                spec: { containers: [{ name: 'web', image: 'example.com/web:v1' }] },
              },
            },
          },
        ],
      });
      fs.writeFileSync(file, JSON.stringify(manifest(1, 'a')));
      expect(await kubectl('apply', '-f', file)).toMatch(
        /configmap\/settings created[\s\S]*deployment.apps\/web created/,
      );
      fs.writeFileSync(file, JSON.stringify(manifest(2, 'b')));
      expect(await kubectl('apply', '-f', file)).toMatch(
        /configmap\/settings configured[\s\S]*deployment.apps\/web configured/,
      );
      expect(await kubectl('get', 'configmap', 'settings', '-o', 'jsonpath={.data.mode}')).toBe(
        'b',
      );
      expect(
        await kubectl(
          'get',
          'deployment',
          'web',
          '-o',
          'jsonpath={.spec.replicas} {.metadata.generation}',
        ),
      ).toBe('2 2');
      expect(await kubectl('get', 'configmaps')).toMatch(
        /^NAME\s+DATA\s+AGE\n(.*\n)*settings\s+1\s+/m,
      );
    },
    KUBECTL_TEST_TIMEOUT_MS,
  );

  it(
    'shows CRD printer columns, patches with --type merge and describes',
    async () => {
      const crdFile = path.join(dir, 'crd.json');
      // Fully qualified names: other suites' Widget CRDs may exist on a shared real cluster.
      const widgets = 'widgets.kubectl.test.virtrigaud.io';
      fs.writeFileSync(crdFile, JSON.stringify(widgetCrd('kubectl.test.virtrigaud.io')));
      await kubectl('apply', '-f', crdFile);
      await eventually('widgets to be served', () => kubectl('get', widgets), {
        timeoutMs: 10_000,
      });
      const widgetFile = path.join(dir, 'widget.json');
      fs.writeFileSync(
        widgetFile,
        JSON.stringify({
          apiVersion: 'kubectl.test.virtrigaud.io/v1',
          kind: 'Widget',
          metadata: { name: 'w1' },
          spec: { size: 3, color: 'green' },
        }),
      );
      await kubectl('apply', '-f', widgetFile);
      expect(await kubectl('get', widgets)).toMatch(/NAME\s+SIZE\s+COLOR\s+PHASE\nw1\s+3\s+green/);
      const setColor = (color: string) =>
        kubectl(
          'patch',
          widgets,
          'w1',
          '--type',
          'merge',
          '-p',
          JSON.stringify({ spec: { color } }),
        );
      await setColor('blue');
      expect(await kubectl('get', widgets, 'w1', '-o', 'jsonpath={.spec.color}')).toBe('blue');
      expect(await kubectl('describe', widgets, 'w1')).toMatch(/Name:\s+w1[\s\S]*Color:\s+blue/);
      await expect(setColor('pink')).rejects.toThrow(/spec.color: Unsupported value: "pink"/);
      await kubectl('delete', '-f', crdFile);
    },
    KUBECTL_TEST_TIMEOUT_MS,
  );

  it(
    'follows changes with get -w and deletes',
    async () => {
      const file = path.join(dir, 'watched.json');
      fs.writeFileSync(
        file,
        JSON.stringify({
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'watched' },
          data: { a: '1' },
        }),
      );
      await kubectl('apply', '-f', file);
      const watcher = spawn(KUBECTL!, [
        '--kubeconfig',
        cluster.kubeconfigPath,
        '-n',
        namespace,
        'get',
        'configmap',
        'watched',
        '-w',
        '-o',
        'jsonpath={.data.a}{"\\n"}',
      ]);
      let output = '';
      watcher.stdout.on('data', (chunk) => (output += chunk));
      try {
        await eventually('the initial object', () => (output.includes('1') ? true : undefined), {
          timeoutMs: 10_000,
        });
        await kubectl(
          'patch',
          'configmap',
          'watched',
          '--type',
          'merge',
          '-p',
          '{"data":{"a":"2"}}',
        );
        await eventually(
          'the change',
          () => (output.split('\n').includes('2') ? true : undefined),
          { timeoutMs: 10_000 },
        );
      } finally {
        watcher.kill();
      }
      expect(await kubectl('delete', 'configmap', 'watched')).toContain(
        'configmap "watched" deleted',
      );
      await expect(kubectl('get', 'configmap', 'watched')).rejects.toThrow(/NotFound|not found/);
    },
    KUBECTL_TEST_TIMEOUT_MS,
  );
});

// Benchmark (issue 9): GET /api/virtrigaud/vms with 10,000 VirtualMachines in the cache.
// A devcluster holds the VMs; the real Backstage backend (startTestBackend with the plugin) reads
// it through a counting proxy, so the run proves that requests are answered from the informer
// cache: zero Kubernetes API requests while the list endpoint is measured.
// Target: p95 < 50 ms per request. Run: npm run bench -w @virtrigaud/plugin-virtrigaud-backend
// (after tsc -b). BENCH_VMS and BENCH_REQUESTS override the sizes.
/* global fetch, performance, URL -- Node 24 globals (this script is plain CommonJS) */
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { startDevCluster } = require('@virtrigaud/devcluster');
const {
  mockCredentials,
  mockServices,
  startTestBackend,
} = require('@backstage/backend-test-utils');
const { createBackendModule } = require('@backstage/backend-plugin-api');
const { KubeConfig } = require('@kubernetes/client-node');
const { customResourceDefinition, KINDS, Resources } = require('@virtrigaud/api');
const { KubeClient, KubeResources } = require('@virtrigaud/kube');
const plugin = require('../dist/index.js');

const VMS = Number(process.env.BENCH_VMS ?? 10_000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 300);
const CONCURRENCY = 32;
const NAMESPACE = 'bench';

/**
 * Forwards to the API server and counts requests: reads and writes apart from watch streams (the
 * informers open theirs around startup, independent of API requests).
 */
function countingProxy(target) {
  const upstream = new URL(target);
  const counter = { requests: 0, watches: 0 };
  const server = http.createServer((req, res) => {
    if (/[?&]watch=(true|1)/.test(req.url)) counter.watches += 1;
    else counter.requests += 1;
    const forward = http.request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, counter, url: `http://127.0.0.1:${server.address().port}` }),
    ),
  );
}

async function seed(client) {
  for (const kind of KINDS) {
    await client.create(KubeResources.CustomResourceDefinition, customResourceDefinition(kind));
  }
  await client.create(KubeResources.Namespace, { metadata: { name: NAMESPACE } });
  let next = 0;
  const phases = ['Running', 'Stopped', 'Provisioning', 'Failed'];
  const worker = async () => {
    while (next < VMS) {
      const i = next++;
      const name = `vm-${String(i).padStart(5, '0')}`;
      await client.create(Resources.VirtualMachine, {
        apiVersion: 'infra.virtrigaud.io/v1beta1',
        kind: 'VirtualMachine',
        metadata: {
          name,
          namespace: NAMESPACE,
          annotations: { 'backstage.io/owner': `user:default/u${i % 50}` },
        },
        spec: {
          providerRef: { name: `p${i % 4}` },
          classRef: { name: 'small' },
          imageRef: { name: 'ubuntu' },
        },
      });
      await client.patchStatus(Resources.VirtualMachine, NAMESPACE, name, {
        status: {
          phase: phases[i % 4],
          powerState: i % 4 === 1 ? 'Off' : 'On',
          ips: [`10.0.${(i >> 8) & 255}.${i & 255}`],
        },
      });
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function measure(baseUrl, label, query) {
  const headers = { Authorization: mockCredentials.user.header('user:default/u1') };
  const times = [];
  let total = 0;
  for (let i = 0; i < REQUESTS; i++) {
    const started = performance.now();
    const response = await fetch(`${baseUrl}/vms?${query}`, { headers });
    const body = await response.json();
    times.push(performance.now() - started);
    if (!response.ok) throw new Error(`${label}: HTTP ${response.status} ${JSON.stringify(body)}`);
    total = body.totalCount;
  }
  times.sort((a, b) => a - b);
  return {
    label,
    query,
    totalCount: total,
    p50: percentile(times, 50),
    p95: percentile(times, 95),
    max: times[times.length - 1],
  };
}

async function main() {
  const cluster = await startDevCluster();
  const kc = new KubeConfig();
  kc.loadFromFile(cluster.kubeconfigPath);
  const seedStarted = performance.now();
  await seed(new KubeClient(kc));
  const seedSeconds = (performance.now() - seedStarted) / 1000;

  const proxy = await countingProxy(cluster.url);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'virtrigaud-bench-'));
  const kubeconfigPath = path.join(dir, 'kubeconfig');
  fs.writeFileSync(
    kubeconfigPath,
    fs.readFileSync(cluster.kubeconfigPath, 'utf8').replace(cluster.url, proxy.url),
  );

  let inventory;
  const capture = createBackendModule({
    pluginId: 'virtrigaud',
    moduleId: 'bench-capture',
    register(env) {
      env.registerInit({
        deps: { inventory: plugin.virtrigaudInventoryServiceRef },
        async init(deps) {
          inventory = deps.inventory;
        },
      });
    },
  });
  const backend = await startTestBackend({
    features: [
      plugin.default,
      capture,
      mockServices.rootConfig.factory({
        data: {
          virtrigaud: {
            clusters: [{ name: 'local', kubeconfigPath }],
            metrics: { intervalSeconds: 3600 },
          },
        },
      }),
    ],
  });
  const syncStarted = performance.now();
  await inventory.ready();
  const syncSeconds = (performance.now() - syncStarted) / 1000;
  const baseUrl = `http://127.0.0.1:${backend.server.address().port}/api/virtrigaud`;

  const before = proxy.counter.requests;
  const results = [];
  results.push(await measure(baseUrl, 'first page, sorted by name', 'limit=50'));
  results.push(
    await measure(
      baseUrl,
      'deep page, newest first',
      'limit=50&offset=9000&sort=createdAt&order=desc',
    ),
  );
  results.push(
    await measure(baseUrl, 'filter phase + provider', 'phase=Running&provider=p0&limit=100'),
  );
  results.push(await measure(baseUrl, 'full-text search', 'search=10.0.3&limit=50'));
  const apiCalls = proxy.counter.requests - before;

  const worstP95 = Math.max(...results.map((r) => r.p95));
  const report = {
    vms: VMS,
    requestsPerQuery: REQUESTS,
    seedSeconds: Number(seedSeconds.toFixed(1)),
    cacheSyncSeconds: Number(syncSeconds.toFixed(2)),
    kubernetesApiRequestsDuringMeasurement: apiCalls,
    watchStreamsOpened: proxy.counter.watches,
    results: results.map((r) => ({
      ...r,
      p50: +r.p50.toFixed(2),
      p95: +r.p95.toFixed(2),
      max: +r.max.toFixed(2),
    })),
    targetP95Ms: 50,
    pass: worstP95 < 50 && apiCalls === 0 && results[0].totalCount === VMS,
  };
  console.log(JSON.stringify(report, null, 2));
  await backend.stop();
  proxy.server.closeAllConnections();
  proxy.server.close();
  await cluster.stop();
  fs.rmSync(dir, { recursive: true, force: true });
  process.exitCode = report.pass ? 0 : 1;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

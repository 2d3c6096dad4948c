// Benchmark: 10,000 ConfigMaps created over HTTP while 5 watchers stream them.
// The devcluster runs as its own process (the CLI, without kubelet), pinned to one core with
// taskset when available; this process is the load generator. Reports creates/s, watch
// events/s delivered, and the server's peak RSS. Run: npm run bench (after tsc -b).
// Targets: >= 2,000 creates/s, >= 20,000 events/s, RSS < 300 MB, on one core.
/* global Buffer, setTimeout -- Node globals (this script is plain CommonJS) */
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');

const OBJECTS = Number(process.env.BENCH_OBJECTS ?? 10_000);
const WATCHERS = Number(process.env.BENCH_WATCHERS ?? 5);
const CONCURRENCY = 32;

function watch(url, expected) {
  return new Promise((resolve, reject) => {
    let count = 0;
    let buffered = '';
    const req = http.get(
      `${url}/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=1&labelSelector=bench%3Dyes`,
      (res) => {
        res.setEncoding('utf8');
        res.on('data', (chunk) => {
          buffered += chunk;
          let newline;
          while ((newline = buffered.indexOf('\n')) >= 0) {
            buffered = buffered.slice(newline + 1);
            if (++count === expected) {
              req.destroy();
              resolve(Date.now());
            }
          }
        });
      },
    );
    req.on('error', (error) => (count < expected ? reject(error) : undefined));
  });
}

async function createAll(url) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY, noDelay: true });
  let next = 0;
  const worker = async () => {
    while (next < OBJECTS) {
      const i = next++;
      const body = JSON.stringify({
        metadata: { name: `bench-${i}`, labels: { bench: 'yes' } },
        data: { index: String(i) },
      });
      await new Promise((resolve, reject) => {
        const req = http.request(
          `${url}/api/v1/namespaces/default/configmaps`,
          {
            method: 'POST',
            agent,
            headers: {
              'Content-Type': 'application/json',
              'Content-Length': Buffer.byteLength(body),
            },
          },
          (res) => {
            res.resume();
            res.on('end', () =>
              res.statusCode === 201 ? resolve() : reject(new Error(`status ${res.statusCode}`)),
            );
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  agent.destroy();
}

/** Starts the CLI on core 0 (if taskset exists) and resolves with its URL once it is ready. */
function startServer(dir) {
  const cli = [
    path.join(__dirname, '..', 'dist', 'cli.js'),
    '--no-kubelet',
    '--kubeconfig',
    path.join(dir, 'kubeconfig'),
  ];
  const pinned = spawnSync('taskset', ['--version']).status === 0;
  const child = pinned
    ? spawn('taskset', ['-c', '0', process.execPath, ...cli])
    : spawn(process.execPath, cli);
  return new Promise((resolve, reject) => {
    child.stdout.once('data', (line) =>
      resolve({ child, pinned, url: /http:\/\/[0-9.:]+/.exec(String(line))[0] }),
    );
    child.once('exit', (code) => reject(new Error(`devcluster exited with ${code}`)));
  });
}

/** Peak resident set of a process, from /proc (Linux). */
function peakRssMB(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmHWM:\s+(\d+)/.exec(status)[1]) / 1024);
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'devcluster-bench-'));
  const { child, pinned, url } = await startServer(dir);
  const cluster = { url };
  try {
    const watchers = Array.from({ length: WATCHERS }, () => watch(cluster.url, OBJECTS));
    await new Promise((resolve) => setTimeout(resolve, 200)); // let the watches connect
    const start = Date.now();
    await createAll(cluster.url);
    const created = Date.now();
    const delivered = Math.max(...(await Promise.all(watchers)));
    // taskset execs node, so the child is the server itself either way.
    const peakRss = peakRssMB(child.pid) * 1024 * 1024;
    const result = {
      objects: OBJECTS,
      watchers: WATCHERS,
      createsPerSecond: Math.round(OBJECTS / ((created - start) / 1000)),
      eventsPerSecond: Math.round((OBJECTS * WATCHERS) / ((delivered - start) / 1000)),
      peakRssMB: Math.round(peakRss / 1024 / 1024),
      serverPinnedToOneCore: pinned,
    };
    console.log(`devcluster bench: ${JSON.stringify(result)}`);
    const ok =
      result.createsPerSecond >= 2000 && result.eventsPerSecond >= 20000 && result.peakRssMB < 300;
    console.log(
      ok
        ? 'devcluster bench: targets met'
        : 'devcluster bench: TARGETS MISSED (>= 2000 creates/s, >= 20000 events/s, < 300 MB)',
    );
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

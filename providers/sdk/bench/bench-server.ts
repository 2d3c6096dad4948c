// The server side of the Describe benchmark, one per process as a provider runs:
//   node dist/bench/bench-server.js bare|runtime
// prints `{"address": ...}` once serving, then answers each line on stdin: `stats` with
// `{"served", "failed", "cpuMicros"}` (Describe calls that reached the backend, Describe answers
// other than OK, CPU time of this process so far); stdin closed: stops and exits.
import { createInterface } from 'node:readline';
import { Server, ServerCredentials } from '@grpc/grpc-js';
import { ProviderService } from '@virtrigaud/proto';
import { createMockBackend } from '@virtrigaud/provider-mock';
import pino from 'pino';
import { GRPC_SERVER_OPTIONS, startProviderServer } from '@virtrigaud/provider-sdk';

export const BENCH_VM_ID = 'vm-000001';
const nullLog = pino({ level: 'silent' });

interface ServerUnderTest {
  address: string;
  /** Describe calls that reached the backend so far. */
  served(): number;
  /** Describe calls answered with a status other than OK so far. */
  failed(): Promise<number>;
  stop(): Promise<void>;
}

/** The mock backend with one VM, counting the Describe calls that reach it. */
async function countingBackend() {
  const backend = createMockBackend({ taskLatencyMs: 0 });
  const ctx = { correlationId: 'seed', signal: new AbortController().signal, log: nullLog };
  await backend.create(ctx, {
    name: 'bench-vm',
    owner: { uid: 'bench', namespace: 'default', name: 'bench-vm' },
    class: { cpu: 2, memory: '4Gi' },
    image: { source: { mock: { name: 'img' } } },
    networks: [],
    disks: [],
    placement: {},
    tags: [],
  });
  let served = 0;
  const describe = backend.describe.bind(backend);
  backend.describe = (...args) => {
    served += 1;
    return describe(...args);
  };
  return { backend, served: () => served };
}

/** The same Describe on plain grpc-js: no validation, metrics, logging or deadline handling. */
async function startBare(): Promise<ServerUnderTest> {
  const { backend, served } = await countingBackend();
  const server = new Server(GRPC_SERVER_OPTIONS);
  const ctx = { correlationId: 'bare', signal: new AbortController().signal, log: nullLog };
  let failed = 0;
  server.addService(ProviderService, {
    describe: (
      call: { request: { id: string } },
      callback: (err: unknown, res?: unknown) => void,
    ) => {
      backend.describe(ctx, call.request.id).then(
        (found) =>
          callback(null, {
            exists: Boolean(found),
            powerState: found?.powerState ?? '',
            ips: found?.ips ?? [],
            consoleUrl: found?.consoleUrl ?? '',
            providerRawJson: JSON.stringify(found?.raw ?? {}),
          }),
        (err: unknown) => {
          failed += 1;
          callback(err);
        },
      );
    },
  } as never);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );
  return {
    address: `127.0.0.1:${port}`,
    served,
    failed: async () => failed,
    stop: async () => server.forceShutdown(),
  };
}

/** Describe answers other than OK, from the runtime's own `provider_grpc_requests_total`. */
async function failedDescribes(metricsUrl: string): Promise<number> {
  const text = await (await fetch(metricsUrl)).text();
  const series = /^provider_grpc_requests_total\{method="Describe",status="(\w+)"\} (\d+)$/gm;
  return [...text.matchAll(series)]
    .filter(([, status]) => status !== 'OK')
    .reduce((sum, [, , count]) => sum + Number(count), 0);
}

async function startRuntime(): Promise<ServerUnderTest> {
  const { backend, served } = await countingBackend();
  const provider = await startProviderServer({
    type: 'mock',
    createBackend: () => backend,
    logLevel: 'info',
    logDestination: pino.destination('/dev/null'),
  });
  return {
    address: provider.address,
    served,
    failed: () => failedDescribes(provider.metricsUrl),
    stop: () => provider.stop(),
  };
}

async function main() {
  const kind = process.argv[2];
  if (kind !== 'bare' && kind !== 'runtime') throw new Error(`usage: bench-server bare|runtime`);
  const server = await (kind === 'bare' ? startBare() : startRuntime());
  const say = (message: object) => process.stdout.write(`${JSON.stringify(message)}\n`);
  say({ address: server.address });
  for await (const line of createInterface({ input: process.stdin })) {
    if (line !== 'stats') continue;
    const cpu = process.cpuUsage();
    say({
      served: server.served(),
      failed: await server.failed(),
      cpuMicros: cpu.user + cpu.system,
    });
  }
  await server.stop();
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}

// The Provider's rateLimit is for the whole Provider, not per replica: with `replicas: 3` and
// qps 30 / burst 30 the controller tells each pod PROVIDER_REPLICAS=3 and each replica's token
// bucket holds 10 qps / burst 10, so the hypervisor sees at most 30 calls/s after the burst however
// the calls are spread. 90 Validate calls (each takes a token) therefore need at least
// (90 - 30) / 30 = 2 s; per-replica limits (qps 30 burst 30 each) would let all through at once.
import { type KubeObject, KubeResources } from '@virtrigaud/kube';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { ProviderGateway } from '../src/grpc/provider-gateway';
import type { Manager } from '../src/manager';
import { ManagerMetrics } from '../src/observability/metrics';
import { startTestCluster, type TestCluster } from './support/cluster';
import { startManager } from './support/manager';
import { NAMESPACE, applyReplicatedMock, readyReplicas } from './support/provider-replicas';

jest.setTimeout(60_000);

const PROVIDER = 'limited';
const RATE_LIMIT = { qps: 30, burst: 30 };
const CALLS = 90;

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'scale-out-rate-limit-'));
let cluster: TestCluster;
let manager: Manager;
const gateway = new ProviderGateway({
  metrics: new ManagerMetrics(),
  log: pino({ level: 'silent' }),
});

beforeAll(async () => {
  cluster = await startTestCluster({
    kubelet: { rootDir: path.join(tmp, 'pods'), maxProbePeriodMs: 200 },
  });
  // The manager only renders the Provider here; its hourly health probe takes no tokens meanwhile.
  manager = await startManager(cluster, {
    serviceAddressSource: 'endpoint-slices',
    providerHealthIntervalMs: 3_600_000,
  });
  await applyReplicatedMock(cluster.client, {
    name: PROVIDER,
    replicas: 3,
    stateDir: path.join(tmp, 'hypervisor'),
    rateLimit: RATE_LIMIT,
  });
});

afterAll(async () => {
  gateway.close();
  await manager?.stop();
  await cluster?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

it('gives each replica its share of the Provider rate limit', async () => {
  const replicas = await readyReplicas(cluster.client, PROVIDER, 3);
  type Deployment = KubeObject & {
    spec: { template: { spec: { containers: { env: { name: string; value: string }[] }[] } } };
  };
  const deployment = await cluster.client.get<Deployment>(
    KubeResources.Deployment,
    NAMESPACE,
    `virtrigaud-provider-${PROVIDER}`,
  );
  const env = deployment!.spec.template.spec.containers[0].env;
  expect(env).toEqual(
    expect.arrayContaining([
      { name: 'RATE_LIMIT_QPS', value: '30' },
      { name: 'RATE_LIMIT_BURST', value: '30' },
      { name: 'PROVIDER_REPLICAS', value: '3' },
    ]),
  );

  const endpoint = { key: `${NAMESPACE}/${PROVIDER}`, address: 'unused:9090', replicas };
  const started = performance.now();
  const answers = await Promise.all(
    Array.from({ length: CALLS }, () =>
      gateway.call(endpoint, 'validate', {}, { correlationId: 'rate-limit' }),
    ),
  );
  const elapsedMs = performance.now() - started;
  expect(answers.every((a) => a.ok)).toBe(true);
  // Tokens are only ever spent faster than qps up to the burst: a lower bound, never flaky.
  const floorMs = ((CALLS - RATE_LIMIT.burst) / RATE_LIMIT.qps) * 1000;
  expect(elapsedMs).toBeGreaterThanOrEqual(floorMs * 0.95);
  console.log(
    `${CALLS} calls over 3 replicas took ${Math.round(elapsedMs)} ms; a shared limit of ` +
      `${RATE_LIMIT.qps} qps / burst ${RATE_LIMIT.burst} allows no less than ${floorMs} ms`,
  );
});

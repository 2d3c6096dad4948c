// Runtime behaviour a user of the mock notices: health follows the hypervisor, TLS and mutual
// TLS, the rate limit toward the hypervisor, and the metrics after a few calls.
import { status } from '@grpc/grpc-js';
import { PROVIDER_SERVICE_NAME } from '@virtrigaud/proto';
import {
  createProviderClient,
  readTlsFiles,
  startProviderServer,
  type RunningProvider,
} from '@virtrigaud/provider-sdk';
import { eventually } from '@virtrigaud/testing';
import { createMockBackend, mockOptionsFrom, type MockBackend } from './index';
import { collectLogs } from './testing/fixtures';
import { makePki, type Pki } from './testing/tls-fixtures';

async function startWith(
  backend: MockBackend,
  extra: Partial<Parameters<typeof startProviderServer>[0]> = {},
) {
  return startProviderServer({
    type: 'mock',
    name: 'mock-runtime',
    endpoint: 'https://user:pass@hypervisor.example:8443/sdk',
    createBackend: () => backend,
    logDestination: collectLogs(),
    ...extra,
  });
}

describe('health follows the hypervisor', () => {
  const backend = createMockBackend({ taskLatencyMs: 1 });
  let provider: RunningProvider;
  let client: ReturnType<typeof createProviderClient>;
  beforeAll(async () => {
    provider = await startWith(backend, { healthProbeIntervalMs: 50 });
    client = createProviderClient(provider.address, { deadlineMs: 2_000 });
  });
  afterAll(async () => {
    client.close();
    await provider.stop();
  });

  const metric = async (pattern: RegExp) =>
    pattern.test(await (await fetch(`${provider.metricsUrl}/metrics`)).text());
  const readyz = async () => (await fetch(`${provider.metricsUrl}/readyz`)).status;

  it('is SERVING, NOT_SERVING while the mock hypervisor is down, SERVING again when it returns', async () => {
    expect(await client.health(PROVIDER_SERVICE_NAME)).toBe('SERVING');
    expect(await readyz()).toBe(200);

    await backend.setFaults({ down: true });
    await eventually(
      'health NOT_SERVING',
      async () => (await client.health(PROVIDER_SERVICE_NAME)) === 'NOT_SERVING',
    );
    expect(await client.health('')).toBe('NOT_SERVING');
    expect(await readyz()).toBe(503);
    expect((await fetch(`${provider.metricsUrl}/healthz`)).status).toBe(200);
    expect(await metric(/^provider_health_status\{provider="mock-runtime"\} 0$/m)).toBe(true);
    expect(
      await metric(/^provider_hypervisor_connection_status\{endpoint="hypervisor.example"\} 0$/m),
    ).toBe(true);
    expect(await client.validate()).toEqual({
      ok: false,
      message: expect.stringContaining('UNAVAILABLE'),
    });
    await expect(client.listVMs()).rejects.toMatchObject({ code: status.UNAVAILABLE });

    await backend.setFaults({});
    await eventually(
      'health SERVING',
      async () => (await client.health(PROVIDER_SERVICE_NAME)) === 'SERVING',
    );
    expect(await readyz()).toBe(200);
    expect(await metric(/^provider_health_status\{provider="mock-runtime"\} 1$/m)).toBe(true);
  });

  it('counts VMs by state from the hypervisor for provider_vms_total', async () => {
    const owner = { uid: 'uid-count', namespace: 'default', name: 'count' };
    const created = await client.create({
      name: 'count-me',
      owner,
      classJson: '{"cpu":1,"memory":"1Gi"}',
      imageJson: '{"source":{"mock":{"name":"img"}}}',
    });
    await eventually(
      'the create task done',
      async () => (await client.taskStatus({ task: created.task })).done,
    );
    await provider.probeHealth();
    expect(await metric(/^provider_vms_total\{state="stopped"\} 1$/m)).toBe(true);
    expect(await metric(/^provider_vms_total\{state="running"\} 0$/m)).toBe(true);
  });
});

describe('TLS and mutual TLS', () => {
  let pki: Pki;
  beforeAll(() => {
    pki = makePki();
  });

  it('serves TLS to a client that trusts the CA', async () => {
    const provider = await startWith(createMockBackend(), { tls: readTlsFiles(pki.serverOnlyDir) });
    const client = createProviderClient(provider.address, {
      tls: { ca: pki.ca, serverName: 'localhost' },
    });
    const plaintext = createProviderClient(provider.address, { deadlineMs: 2_000 });
    try {
      expect((await client.validate()).ok).toBe(true);
      await expect(plaintext.validate()).rejects.toMatchObject({ code: status.UNAVAILABLE });
    } finally {
      client.close();
      plaintext.close();
      await provider.stop();
    }
  });

  it('under mutual TLS, accepts a client certificate from the CA and refuses a client without one', async () => {
    const provider = await startWith(createMockBackend(), { tls: readTlsFiles(pki.mutualDir) });
    const withCert = createProviderClient(provider.address, {
      tls: { ca: pki.ca, cert: pki.client.cert, key: pki.client.key },
    });
    const withoutCert = createProviderClient(provider.address, {
      tls: { ca: pki.ca },
      deadlineMs: 2_000,
    });
    try {
      expect((await withCert.validate()).ok).toBe(true);
      expect(await withCert.health(PROVIDER_SERVICE_NAME)).toBe('SERVING');
      await expect(withoutCert.validate()).rejects.toMatchObject({ code: status.UNAVAILABLE });
    } finally {
      withCert.close();
      withoutCert.close();
      await provider.stop();
    }
  });
});

describe('rate limit toward the hypervisor', () => {
  it('lets a burst through, then makes calls wait for tokens (past their deadline)', async () => {
    const provider = await startWith(createMockBackend(), { rateLimit: { qps: 1, burst: 3 } });
    const client = createProviderClient(provider.address);
    try {
      for (let i = 0; i < 3; i += 1) await client.listVMs({}, { deadlineMs: 500 });
      await expect(client.listVMs({}, { deadlineMs: 300 })).rejects.toMatchObject({
        code: status.DEADLINE_EXCEEDED,
      });
      // Capabilities come from the provider itself, never from the hypervisor: not limited.
      expect((await client.getCapabilities({}, { deadlineMs: 300 })).supportsSnapshots).toBe(true);
    } finally {
      client.close();
      await provider.stop();
    }
  });
});

describe('deadlines and per-operation timeouts', () => {
  /** A provider whose hypervisor takes 2 s per call (slowed after the startup health probe). */
  async function startSlow(extra: Parameters<typeof startWith>[1]) {
    const backend = createMockBackend();
    const provider = await startWith(backend, extra);
    await backend.setFaults({ callLatencyMs: 2_000 });
    return { provider, client: createProviderClient(provider.address) };
  }
  const validateCounted = async (provider: RunningProvider, outcome: string) =>
    new RegExp(
      `^provider_grpc_requests_total\\{method="Validate",status="${outcome}"\\} 1$`,
      'm',
    ).test(await (await fetch(`${provider.metricsUrl}/metrics`)).text());

  it('ends a call at its deadline and counts it as DEADLINE_EXCEEDED, not as a cancel', async () => {
    const { provider, client } = await startSlow({ operationTimeoutMs: 60_000 });
    try {
      await expect(client.validate({}, { deadlineMs: 100 })).rejects.toMatchObject({
        code: status.DEADLINE_EXCEEDED,
      });
      await eventually('Validate counted as DEADLINE_EXCEEDED', () =>
        validateCounted(provider, 'DEADLINE_EXCEEDED'),
      );
      expect(await validateCounted(provider, 'CANCELLED')).toBe(false);
    } finally {
      client.close();
      await provider.stop();
    }
  });

  it('ends a call at the operation timeout when that comes before the deadline', async () => {
    const { provider, client } = await startSlow({ operationTimeoutsMs: { Validate: 100 } });
    try {
      await expect(client.validate({}, { deadlineMs: 10_000 })).rejects.toMatchObject({
        code: status.DEADLINE_EXCEEDED,
        details: 'Validate: timed out after 100 ms (per-operation timeout)',
      });
      expect(await validateCounted(provider, 'DEADLINE_EXCEEDED')).toBe(true);
    } finally {
      client.close();
      await provider.stop();
    }
  });
});

describe('connection concurrency toward the hypervisor', () => {
  it('serves at most --mock-connection-concurrency calls at once; the others wait their turn', async () => {
    const latencyMs = 100;
    const backend = createMockBackend(
      mockOptionsFrom(
        { 'mock-connection-concurrency': '2', 'mock-call-latency': `${latencyMs}ms` },
        {},
      ),
    );
    const provider = await startWith(backend);
    const client = createProviderClient(provider.address);
    try {
      const started = performance.now();
      await Promise.all(Array.from({ length: 6 }, () => client.validate()));
      // Six calls, two at a time: three rounds of the latency. A lower bound only (a busy machine
      // makes it slower, never faster); unlimited, the six would take one round. Node may fire a
      // timer up to a millisecond early on its own clock, hence the small allowance.
      expect(performance.now() - started).toBeGreaterThanOrEqual(3 * latencyMs - 5);
    } finally {
      client.close();
      await provider.stop();
    }
  });

  it('refuses a concurrency that is not a whole number of at least 1, naming the flag', () => {
    expect(() => mockOptionsFrom({}, { MOCK_CONNECTION_CONCURRENCY: '0' })).toThrow(
      '--mock-connection-concurrency: "0" is not a whole number of at least 1',
    );
  });
});

describe('metrics over HTTP', () => {
  it('has the seed names and labels after a few calls, plus process metrics', async () => {
    const provider = await startWith(createMockBackend());
    const client = createProviderClient(provider.address);
    try {
      await client.validate();
      await client.describe({ id: 'vm-404' });
      await expect(client.power({ id: 'vm-404', op: 1 })).rejects.toMatchObject({
        code: status.NOT_FOUND,
      });
      const response = await fetch(`${provider.metricsUrl}/metrics`);
      expect(response.headers.get('content-type')).toContain('text/plain');
      const text = await response.text();
      expect(text).toMatch(
        /^provider_grpc_requests_total\{method="Validate",status="success"\} 1$/m,
      );
      expect(text).toMatch(
        /^provider_grpc_requests_total\{method="Describe",status="success"\} 1$/m,
      );
      expect(text).toMatch(
        /^provider_grpc_requests_total\{method="Power",status="NOT_FOUND"\} 1$/m,
      );
      expect(text).toMatch(
        /^provider_grpc_request_duration_seconds_bucket\{le="\+Inf",method="Power"\} 1$/m,
      );
      expect(text).toMatch(
        /^provider_grpc_request_duration_seconds_count\{method="Describe"\} 1$/m,
      );
      expect(text).toMatch(/^provider_health_status\{provider="mock-runtime"\} 1$/m);
      // The endpoint label is the host only: no scheme, user, password, port or path.
      expect(text).toMatch(
        /^provider_hypervisor_connection_status\{endpoint="hypervisor.example"\} 1$/m,
      );
      expect(text).not.toContain('pass');
      expect(text).toMatch(/^process_cpu_user_seconds_total /m);
    } finally {
      client.close();
      await provider.stop();
    }
  });
});

// The service as a whole: Validate, capabilities (and the ListCapabilities alias), grpc.health.v1,
// deadlines and the seed's Prometheus metrics.
import { Metadata } from '@grpc/grpc-js';
import {
  createProviderClient,
  METRIC_CONNECTION,
  METRIC_GRPC_DURATION,
  METRIC_GRPC_REQUESTS,
  METRIC_HEALTH,
  METRIC_VMS,
  PROVIDER_METRIC_NAMES,
} from '@virtrigaud/provider-sdk';
import { PROVIDER_SERVICE_NAME } from '@virtrigaud/proto';
import { eventually } from '@virtrigaud/testing';
import { codeName, grpcError, type Harness } from '../harness';

/** A sample line with these labels (in any order; values are regex) and a value. */
function sample(metric: string, labels: Record<string, string>, value = '[0-9.e+-]+'): RegExp {
  const lookaheads = Object.entries(labels)
    .map(([name, pattern]) => `(?=[^}]*\\b${name}="${pattern}")`)
    .join('');
  return new RegExp(`^${metric}\\{${lookaheads}[^}]*\\} ${value}$`, 'm');
}

export function serviceChecks(h: Harness): void {
  describe('service', () => {
    it('Validate reports the hypervisor reachable', async () => {
      const res = await h.client.validate();
      expect(res).toEqual({ ok: true, message: expect.any(String) });
    });

    it('GetCapabilities reports what is expected, and ListCapabilities is the same answer', async () => {
      const capabilities = await h.client.getCapabilities();
      expect(capabilities).toMatchObject(h.options.expectCapabilities ?? {});
      expect(await h.client.listCapabilities()).toEqual(capabilities);
    });

    it('grpc.health.v1 reports SERVING for the server and for provider.v1.Provider', async () => {
      expect(await h.client.health('')).toBe('SERVING');
      expect(await h.client.health(PROVIDER_SERVICE_NAME)).toBe('SERVING');
    });

    // A deadline already past when the call starts: deterministic (a 1 ms deadline is sometimes
    // met by a fast provider). That the server itself gives up is the startSlow check below.
    it('a call past its deadline is DEADLINE_EXCEEDED and the provider keeps serving', async () => {
      const err = await grpcError(h.client.listVMs({}, { deadlineMs: -1 }));
      expect(codeName(err)).toBe('DEADLINE_EXCEEDED');
      expect((await h.client.validate()).ok).toBe(true);
    });

    it('a correlation id in metadata is accepted and echoed', async () => {
      const metadata = new Metadata();
      metadata.set('x-correlation-id', `conformance-${h.runId}`);
      const echoed = await new Promise<string | undefined>((resolve, reject) => {
        const call = h.client.raw.validate({}, metadata, (err) => err && reject(err));
        call.on('metadata', (headers) => resolve(headers.get('x-correlation-id')[0]?.toString()));
      });
      expect(echoed).toBe(`conformance-${h.runId}`);
    });

    it('exposes the seed metrics with their labels on /metrics, and /healthz, /readyz', async () => {
      const base = h.target.metricsUrl;
      if (!base) return;
      await h.client.describe({ id: `missing-${h.runId}` });
      const text = await (await fetch(`${base}/metrics`)).text();
      for (const metric of PROVIDER_METRIC_NAMES) expect(text).toContain(`# TYPE ${metric} `);
      expect(text).toMatch(sample(METRIC_GRPC_REQUESTS, { method: 'Describe', status: 'success' }));
      expect(text).toMatch(
        sample(
          `${METRIC_GRPC_DURATION}_bucket`,
          { method: 'Describe', le: '\\+Inf' },
          '[1-9][0-9]*',
        ),
      );
      expect(text).toMatch(sample(METRIC_VMS, { state: 'running' }));
      expect(text).toMatch(sample(METRIC_VMS, { state: 'stopped' }));
      expect(text).toMatch(sample(METRIC_HEALTH, { provider: '[^"]+' }, '1'));
      expect(text).toMatch(sample(METRIC_CONNECTION, { endpoint: '[^"@/:]*' }, '1'));
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      expect((await fetch(`${base}/readyz`)).status).toBe(200);
    });

    if (h.options.startSlow) {
      it(
        'the server enforces deadlines against a slow hypervisor (DEADLINE_EXCEEDED, not a hang)',
        async () => {
          const slow = await h.options.startSlow!();
          const client = createProviderClient(slow.address, { tls: slow.tls });
          try {
            const started = Date.now();
            const err = await grpcError(client.listVMs({}, { deadlineMs: slow.slowMs / 4 }));
            expect(codeName(err)).toBe('DEADLINE_EXCEEDED');
            expect(Date.now() - started).toBeLessThan(slow.slowMs);
            // The server, not only the client, gave up: it counts the call as DEADLINE_EXCEEDED.
            if (slow.metricsUrl) {
              const counted = sample(METRIC_GRPC_REQUESTS, {
                method: 'ListVMs',
                status: 'DEADLINE_EXCEEDED',
              });
              await eventually(
                'ListVMs counted as DEADLINE_EXCEEDED',
                async () => counted.test(await (await fetch(`${slow.metricsUrl}/metrics`)).text()),
                { timeoutMs: slow.slowMs, intervalMs: 10, maxIntervalMs: 500 },
              );
            }
          } finally {
            client.close();
            await slow.stop();
          }
        },
        h.timeout(),
      );
    }
  });
}

// A slow vCenter must not hold calls past their deadline: the runtime aborts ctx.signal and the
// backend stops waiting at once (the HTTP request is aborted, a shared login is left to finish
// for whoever still waits).
import { VSphereBackend } from './backend/vsphere-backend';
import { backendConfig, silentLog, startVcsim, type Vcsim } from './testing/vcsim';

const SLOW_MS = 3_000;
const DEADLINE_MS = 200;

let slow: Vcsim & { stop(): Promise<void> };
let backend: VSphereBackend;

beforeAll(async () => {
  slow = await startVcsim({ methodDelayMs: { Login: SLOW_MS, RetrievePropertiesEx: SLOW_MS } });
  backend = new VSphereBackend(
    backendConfig({
      endpoint: slow.endpoint,
      credentials: {
        username: slow.username,
        password: slow.password,
        'ca.crt': slow.certificatePem,
      },
    }),
  );
});

afterAll(async () => {
  await backend.close();
  await slow.stop();
});

async function timeToFail(call: (signal: AbortSignal) => Promise<unknown>) {
  const started = Date.now();
  const err = await call(AbortSignal.timeout(DEADLINE_MS)).then(
    () => undefined,
    (e: unknown) => e,
  );
  return { err, elapsedMs: Date.now() - started };
}

const ctx = (signal: AbortSignal) => ({ correlationId: 'deadline', signal, log: silentLog });

describe('deadlines against a slow vCenter', () => {
  it('gives up waiting for a slow login at the deadline, for every waiting call', async () => {
    const [first, second] = await Promise.all([
      timeToFail((signal) => backend.validate(ctx(signal))),
      timeToFail((signal) => backend.listVMs(ctx(signal))),
    ]);
    for (const { err, elapsedMs } of [first, second]) {
      expect((err as Error).name).toBe('TimeoutError');
      expect(elapsedMs).toBeLessThan(SLOW_MS / 2);
    }
  });

  it('aborts a slow property read at the deadline', async () => {
    // Wait (with a generous deadline) until the login vCenter is still working on is done.
    await backend.validate(ctx(AbortSignal.timeout(SLOW_MS * 3)));
    const { err, elapsedMs } = await timeToFail((signal) => backend.listVMs(ctx(signal)));
    expect((err as Error).name).toBe('TimeoutError');
    expect(elapsedMs).toBeLessThan(SLOW_MS / 2);
  });
});

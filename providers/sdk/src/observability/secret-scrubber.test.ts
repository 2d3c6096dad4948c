// A secret from the credentials never leaves the process, even when a careless backend puts it in
// errors (with the whole request), in Describe output, in task errors or in its own log lines.
// The backend here is a deliberately leaky test double; the runtime around it is the real one.
import {
  createProviderClient,
  startProviderServer,
  type HypervisorBackend,
  type RunningProvider,
} from '../index';
import { ProviderError } from '../errors';

const SECRET = 'Pl4nted/"secret"\\value';

const leakyBackend: HypervisorBackend = {
  capabilities: () => ({
    reconfigureOnline: false,
    diskExpansionOnline: false,
    snapshots: false,
    memorySnapshots: false,
    linkedClones: false,
    imageImport: false,
    diskTypes: [],
    networkTypes: [],
  }),
  validate: async (ctx) => void ctx.log.info({ session: SECRET }, `logged in with ${SECRET}`),
  create: async (_ctx, input) => {
    throw new ProviderError(
      'PERMISSION_DENIED',
      `login with ${SECRET} refused for ${JSON.stringify(input)}`,
    );
  },
  delete: async () => {
    throw new Error(`socket hang up; Authorization: Basic ${SECRET}`);
  },
  power: async () => ({}),
  reconfigure: async () => ({}),
  describe: async () => ({
    powerState: 'On',
    ips: [],
    raw: { password: SECRET, note: `token=${SECRET}` },
  }),
  taskStatus: async () => ({ done: true, error: `task failed for user with ${SECRET}` }),
  listVMs: async () => [],
};

describe('secrets never leave the process', () => {
  const lines: string[] = [];
  let provider: RunningProvider;
  let client: ReturnType<typeof createProviderClient>;
  beforeAll(async () => {
    provider = await startProviderServer({
      type: 'leaky',
      createBackend: () => leakyBackend,
      credentials: { username: 'admin', password: SECRET },
      logLevel: 'debug',
      logDestination: { write: (line: string) => void lines.push(line) },
    });
    client = createProviderClient(provider.address);
  });
  afterAll(async () => {
    client.close();
    await provider.stop();
  });

  it('scrubs it from errors, responses, logs and metrics', async () => {
    const seen: string[] = [];
    const error = (call: Promise<unknown>) =>
      call.then(
        () => 'no error',
        (err: { details: string }) => err.details,
      );
    seen.push(
      await error(
        client.create({
          name: 'vm-1',
          owner: { uid: 'u1', namespace: 'n', name: 'vm-1' },
          classJson: '{"cpu":1,"memory":"1Gi"}',
          imageJson: '{"source":{"mock":{"name":"i"}}}',
          userData: Buffer.from(`#cloud-config\npassword: ${SECRET}\n`),
        }),
      ),
    );
    seen.push(await error(client.delete({ id: 'vm-1' })));
    seen.push(JSON.stringify(await client.describe({ id: 'vm-1' })));
    seen.push(JSON.stringify(await client.taskStatus({ task: { id: 't1' } })));
    seen.push(JSON.stringify(await client.validate()));
    seen.push(await (await fetch(`${provider.metricsUrl}/metrics`)).text());
    seen.push(...lines);

    expect(seen[0]).toContain('login with [REDACTED] refused');
    expect(seen[1]).toContain('internal provider error');
    const everything = seen.join('\n');
    expect(everything).toContain('[REDACTED]');
    for (const form of [SECRET, JSON.stringify(SECRET).slice(1, -1), 'Pl4nted']) {
      expect(everything).not.toContain(form);
    }
  });
});

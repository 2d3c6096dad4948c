// The acceptance run: the real provider-mock binary, started as a separate process with the
// seed's flags and environment, credential files and the provider ConfigMap, passes the
// conformance suite; its planted credential never shows in logs or metrics; SIGTERM drains
// in-flight calls; startup problems are clear.
import fs from 'node:fs';
import path from 'node:path';
import { describeConformance } from '@virtrigaud/provider-conformance';
import { createProviderClient, testing } from '@virtrigaud/provider-sdk';
import { MOCK_FIXTURES } from './testing/fixtures';

const MOCK_BIN = testing.providerCommand(path.join(__dirname, '..'), 'provider-mock');
const PLANTED_SECRET = 'planted-Secret-9f3c1e77-do-not-log';

function providerFiles() {
  return testing.writeProviderFiles(
    'provider-mock-',
    { username: 'admin@mock.local\n', password: `${PLANTED_SECRET}\n` },
    { defaults: { cluster: 'mock' }, endpointTLS: {}, rateLimit: { qps: 500, burst: 1000 } },
  );
}

/** The seed's arguments and environment, as the Provider controller renders them. */
function seedLaunch(files: testing.ProviderFiles, extraEnv: Record<string, string> = {}) {
  return testing.seedLaunch({
    type: 'mock',
    endpoint: 'https://mock-hypervisor.example:443',
    name: 'mock-datacenter',
    files,
    env: {
      TLS_ENABLED: 'false',
      RATE_LIMIT_QPS: '500',
      RATE_LIMIT_BURST: '1000',
      LOG_LEVEL: 'debug',
      MOCK_TASK_LATENCY: '20ms',
      ...extraEnv,
    },
  });
}

const outputs: string[] = [];
const files = providerFiles();

describeConformance('provider-mock binary', {
  start: async () => {
    const mock = await testing.startProviderProcess(MOCK_BIN, seedLaunch(files));
    return {
      address: mock.address,
      metricsUrl: mock.metricsUrl,
      stop: async () => {
        expect(await mock.stop('SIGTERM')).toBe(0);
        outputs.push(mock.output());
      },
    };
  },
  fixtures: { ...MOCK_FIXTURES, namePrefix: 'binary' },
  expectCapabilities: {
    supportsSnapshots: true,
    supportsMemorySnapshots: true,
    supportsLinkedClones: true,
  },
});

describe('provider-mock binary: secrets, shutdown, startup errors', () => {
  afterAll(() => fs.rmSync(files.root, { recursive: true, force: true }));

  it('never writes the planted credential, though it logged every call at debug level', () => {
    const output = outputs.join('');
    expect(output).toContain('"correlationId"');
    expect(output).toContain('"provider":"mock-datacenter"');
    expect(output).not.toContain(PLANTED_SECRET);
  });

  it('drains an in-flight call on SIGTERM, then exits 0', async () => {
    const mock = await testing.startProviderProcess(
      MOCK_BIN,
      seedLaunch(files, { MOCK_CALL_LATENCY: '200ms' }),
    );
    const client = createProviderClient(mock.address);
    try {
      const inFlight = client.describe({ id: 'vm-000001' }, { correlationId: 'drain-me' });
      await mock.waitForLine(
        (line) => line.includes('"drain-me"') && line.includes('"call started"'),
      );
      const exit = mock.stop('SIGTERM');
      await expect(inFlight).resolves.toMatchObject({ exists: false });
      expect(await exit).toBe(0);
      expect(mock.output()).toContain('draining in-flight calls');
    } finally {
      client.close();
    }
  });

  it.each([
    [
      'a provider type this binary does not implement',
      ['--provider-type=vsphere'],
      {},
      '--provider-type',
    ],
    [
      'a missing TLS certificate',
      ['--tls-enabled=true'],
      { VIRTRIGAUD_TLS_DIR: '/nonexistent/tls' },
      '/nonexistent/tls/tls.crt',
    ],
    ['an unknown flag', ['--grpc-adr=:1'], {}, 'grpc-adr'],
  ])('refuses to start with %s, naming it', async (_what, args, env, named) => {
    const { code, output } = await testing.runToExit(MOCK_BIN, {
      args,
      env: { ...seedLaunch(files).env, ...env },
    });
    expect(code).toBe(1);
    expect(output).toContain('provider failed to start');
    expect(output).toContain(named);
  });

  it('names a broken provider.json without printing its content', async () => {
    const config = fs.mkdtempSync(path.join(files.root, 'broken-'));
    fs.writeFileSync(path.join(config, 'provider.json'), `{"token": "${PLANTED_SECRET}"`);
    const { code, output } = await testing.runToExit(MOCK_BIN, {
      ...seedLaunch(files, { VIRTRIGAUD_CONFIG_DIR: config }),
      args: [],
    });
    expect(code).toBe(1);
    expect(output).toContain(path.join(config, 'provider.json'));
    expect(output).not.toContain(PLANTED_SECRET);
  });
});

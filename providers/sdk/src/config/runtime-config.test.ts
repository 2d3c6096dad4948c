import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadRuntimeConfig, providerUsage } from './runtime-config';

const SECRET = 'hunter2-not-for-logs';

function dirs() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sdk-config-'));
  const credentials = path.join(root, 'credentials');
  const config = path.join(root, 'config');
  fs.mkdirSync(credentials);
  fs.mkdirSync(config);
  return { root, credentials, config };
}

const SEED_ARGS = [
  '--grpc-addr=:9090',
  '--metrics-addr=:8080',
  '--provider-type=vsphere',
  '--provider-endpoint=https://vcenter.example.com:443',
  '--tls-enabled=false',
];

describe('loadRuntimeConfig', () => {
  const d = dirs();
  const env = { VIRTRIGAUD_CREDENTIALS_DIR: d.credentials, VIRTRIGAUD_CONFIG_DIR: d.config };
  afterAll(() => fs.rmSync(d.root, { recursive: true, force: true }));

  it('reads the seed arguments and environment, flags winning over env', () => {
    const config = loadRuntimeConfig({
      type: 'vsphere',
      argv: SEED_ARGS,
      env: {
        ...env,
        PROVIDER_TYPE: 'vsphere',
        PROVIDER_ENDPOINT: 'https://other.example.com',
        PROVIDER_NAMESPACE: 'default',
        PROVIDER_NAME: 'vsphere-datacenter',
        TLS_ENABLED: 'true',
        PROVIDER_TIMEOUT: '300s',
      },
    });
    expect(config).toMatchObject({
      grpcAddr: ':9090',
      metricsAddr: ':8080',
      providerType: 'vsphere',
      endpoint: 'https://vcenter.example.com:443',
      namespace: 'default',
      name: 'vsphere-datacenter',
      tls: undefined,
      operationTimeoutMs: 300_000,
      logLevel: 'info',
    });
  });

  it('takes the environment when flags are absent', () => {
    const config = loadRuntimeConfig({
      type: 'mock',
      argv: [],
      env: {
        ...env,
        PROVIDER_ENDPOINT: 'mock://x',
        LOG_LEVEL: 'debug',
        RATE_LIMIT_QPS: '20',
        RATE_LIMIT_BURST: '50',
      },
    });
    expect(config).toMatchObject({
      endpoint: 'mock://x',
      logLevel: 'debug',
      rateLimit: { qps: 20, burst: 50 },
    });
  });

  it('reads credentials as files (trailing newline dropped) and provider.json, env rate limit winning', () => {
    fs.writeFileSync(path.join(d.credentials, 'username'), 'admin\n');
    fs.writeFileSync(path.join(d.credentials, 'password'), SECRET);
    fs.writeFileSync(
      path.join(d.config, 'provider.json'),
      JSON.stringify({
        defaults: { cluster: 'c1' },
        rateLimit: { qps: 10, burst: 20 },
        timeouts: { Create: '2m' },
      }),
    );
    const fromFile = loadRuntimeConfig({
      type: 'mock',
      argv: [],
      env,
      requiredCredentials: ['username', 'password'],
    });
    expect(fromFile.credentials).toEqual({ username: 'admin', password: SECRET });
    expect(fromFile.options.defaults).toEqual({ cluster: 'c1' });
    expect(fromFile.rateLimit).toEqual({ qps: 10, burst: 20 });
    expect(fromFile.operationTimeoutsMs).toEqual({ Create: 120_000 });
    const fromEnv = loadRuntimeConfig({
      type: 'mock',
      argv: [],
      env: { ...env, RATE_LIMIT_QPS: '5' },
    });
    expect(fromEnv.rateLimit).toEqual({ qps: 5, burst: 20 });
  });

  it('gives each of PROVIDER_REPLICAS replicas its share of the Provider-wide rate limit', () => {
    const share = (extra: NodeJS.ProcessEnv) =>
      loadRuntimeConfig({ type: 'mock', argv: [], env: { ...env, ...extra } }).rateLimit;
    const limit = { RATE_LIMIT_QPS: '30', RATE_LIMIT_BURST: '20' };
    expect(share({ ...limit, PROVIDER_REPLICAS: '3' })).toEqual({ qps: 10, burst: 6 });
    expect(share({ ...limit, PROVIDER_REPLICAS: '1' })).toEqual({ qps: 30, burst: 20 });
    expect(share({ ...limit, PROVIDER_REPLICAS: '40' })).toEqual({ qps: 0.75, burst: 1 });
    expect(() => share({ ...limit, PROVIDER_REPLICAS: '0' })).toThrow(/PROVIDER_REPLICAS/);
  });

  it('names a missing credential file', () => {
    expect(() =>
      loadRuntimeConfig({ type: 'mock', argv: [], env, requiredCredentials: ['token'] }),
    ).toThrow(`credential file ${path.join(d.credentials, 'token')} is missing`);
  });

  it('names a broken provider.json without quoting it', () => {
    fs.writeFileSync(path.join(d.config, 'provider.json'), `{"password":"${SECRET}"`);
    let message = '';
    try {
      loadRuntimeConfig({ type: 'mock', argv: [], env });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toBe(`config file ${path.join(d.config, 'provider.json')} is not valid JSON`);
    fs.writeFileSync(path.join(d.config, 'provider.json'), '{"rateLimit":{"qps":0,"burst":1}}');
    expect(() => loadRuntimeConfig({ type: 'mock', argv: [], env })).toThrow(
      'rateLimit.qps must be a positive number',
    );
    fs.rmSync(path.join(d.config, 'provider.json'));
  });

  it('requires tls.crt and tls.key when TLS is enabled, naming the file', () => {
    expect(() =>
      loadRuntimeConfig({
        type: 'mock',
        argv: ['--tls-enabled=true'],
        env: { ...env, VIRTRIGAUD_TLS_DIR: d.root },
      }),
    ).toThrow(`TLS certificate file ${path.join(d.root, 'tls.crt')} is missing`);
  });

  it.each([
    [['--tls-enabled=maybe'], '--tls-enabled: "maybe" is not true or false'],
    [['--log-level=loud'], '--log-level: "loud" is not one of debug, info, warn, error'],
    [['--operation-timeout=soon'], '--operation-timeout: "soon" is not a duration'],
    [['--provider-type=proxmox'], 'this binary implements "mock", not "proxmox"'],
    [['--grpc-adr=:1'], "command line: Unknown option '--grpc-adr'"],
  ])('rejects %j', (argv, message) => {
    expect(() => loadRuntimeConfig({ type: 'mock', argv, env })).toThrow(message);
  });

  it('passes provider-specific flags through', () => {
    const config = loadRuntimeConfig({
      type: 'mock',
      argv: ['--mock-error-rate=0.5'],
      env,
      extraFlags: { 'mock-error-rate': { type: 'string' } },
    });
    expect(config.flags).toEqual({ 'mock-error-rate': '0.5' });
  });
});

describe('providerUsage', () => {
  it("names the seed flags and the provider's own, marking which take a value", () => {
    const usage = providerUsage('mock', {
      'mock-task-latency': { type: 'string' },
      'mock-hypervisor-down': { type: 'boolean' },
    });
    expect(usage).toMatch(/^Usage: provider-mock \[flags\]\n/);
    for (const flag of SEED_ARGS.map((arg) => arg.split('=')[0])) {
      expect(usage).toContain(`\n  ${flag}=VALUE\n`);
    }
    expect(usage).toContain('\n  --mock-task-latency=VALUE\n');
    expect(usage).toContain('\n  --mock-hypervisor-down\n');
  });
});

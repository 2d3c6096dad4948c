import { parseCli } from './options';

describe('virtrigaud-manager flags', () => {
  it('has in-cluster friendly defaults', () => {
    const options = parseCli([]);
    expect(options).toMatchObject({
      metricsAddr: ':8080',
      healthAddr: ':8081',
      leaderElect: false,
      serviceAddressSource: 'endpoint-slices',
      logLevel: 'info',
    });
  });

  it('parses every flag', () => {
    const options = parseCli([
      '--kubeconfig=/tmp/kc',
      '--metrics-addr=127.0.0.1:0',
      '--health-addr=0',
      '--leader-elect',
      '--watch-namespace=team-a',
      '--log-level=debug',
      '--vm-concurrency=50',
      '--service-address-source=devcluster-annotation',
      '--provider-health-interval=2s',
      '--vm-resync-period=1m',
    ]);
    expect(options).toMatchObject({
      kubeconfig: '/tmp/kc',
      metricsAddr: '127.0.0.1:0',
      healthAddr: '0',
      leaderElect: true,
      watchNamespace: 'team-a',
      logLevel: 'debug',
      concurrency: expect.objectContaining({ vm: 50 }),
      serviceAddressSource: 'devcluster-annotation',
      providerHealthIntervalMs: 2000,
      vmResyncPeriodMs: 60_000,
    });
  });

  it('names the flag in every error', () => {
    expect(() => parseCli(['--log-level=loud'])).toThrow(/--log-level: "loud" is not one of/);
    expect(() => parseCli(['--vm-resync-period=soon'])).toThrow(/--vm-resync-period/);
    expect(() => parseCli(['--service-address-source=dns'])).toThrow(/--service-address-source/);
  });
});

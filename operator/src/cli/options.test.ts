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

  it('is secure by default: a NetworkPolicy per Provider, provider images from the project only', () => {
    const options = parseCli([]);
    if (options === 'help') throw new Error('unexpected help');
    expect(options.providerSecurity).toMatchObject({
      tlsByDefault: false,
      networkPolicy: {
        managerPodLabels: {
          'app.kubernetes.io/name': 'virtrigaud',
          'app.kubernetes.io/component': 'manager',
        },
        metricsNamespaceLabels: { 'kubernetes.io/metadata.name': 'monitoring' },
      },
      admission: {
        allowedImagePrefixes: ['ghcr.io/projectbeskar/virtrigaud/'],
        allowedServiceAccounts: [],
      },
    });
  });

  it('parses the provider security flags', () => {
    const options = parseCli([
      '--provider-tls-default=true',
      '--grpc-client-cert=/tls/tls.crt',
      '--grpc-client-key=/tls/tls.key',
      '--grpc-client-identities=URI:spiffe://cluster.local/ns/vr/sa/virtrigaud-manager',
      '--provider-network-policy=false',
      '--provider-allowed-image-prefixes=registry.corp/virtrigaud/,ghcr.io/projectbeskar/virtrigaud/',
      '--provider-allowed-service-accounts=provider-wi',
    ]);
    expect(options).toMatchObject({
      grpcClientIdentity: { certFile: '/tls/tls.crt', keyFile: '/tls/tls.key' },
      providerSecurity: {
        tlsByDefault: true,
        managerIdentities: ['URI:spiffe://cluster.local/ns/vr/sa/virtrigaud-manager'],
        networkPolicy: undefined,
        admission: {
          allowedImagePrefixes: ['registry.corp/virtrigaud/', 'ghcr.io/projectbeskar/virtrigaud/'],
          allowedServiceAccounts: ['provider-wi'],
        },
      },
    });
  });

  it('refuses mutual TLS by default without the manager identity, naming the flags', () => {
    expect(() => parseCli(['--provider-tls-default=true'])).toThrow(
      '--provider-tls-default=true needs the manager identity: --grpc-client-cert, --grpc-client-key and --grpc-client-identities',
    );
    expect(() => parseCli(['--grpc-client-cert=/a'])).toThrow(/--grpc-client-key/);
    expect(() => parseCli(['--metrics-scrape-pod-labels=a=b=c'])).toThrow(
      /--metrics-scrape-pod-labels: "a=b=c"/,
    );
  });
});

// The seed's "Complete Example" Provider rendered into its Deployment, Service and ConfigMap:
// every argument, environment variable, mount and label of the seed's tables, field by field.
import { CHECKSUM_ANNOTATION, SPEC_HASH_ANNOTATION } from './pod-settings';
import type { Provider } from '@virtrigaud/api';
import { configChecksum, renderProvider } from './render';

function seedProvider(overrides: Partial<Provider['spec']> = {}): Provider {
  return {
    apiVersion: 'infra.virtrigaud.io/v1beta1',
    kind: 'Provider',
    metadata: { name: 'vsphere-datacenter', namespace: 'default', uid: 'uid-1', generation: 1 },
    spec: {
      type: 'vsphere',
      endpoint: 'https://vcenter.example.com:443',
      credentialSecretRef: { name: 'vsphere-credentials' },
      runtime: {
        mode: 'Remote',
        image: 'ghcr.io/projectbeskar/virtrigaud/provider-vsphere:v0.2.0',
        service: { port: 9090 },
      },
      ...overrides,
    },
  };
}

type Container = {
  name: string;
  image: string;
  args: string[];
  env: { name: string; value?: string }[];
  volumeMounts: { name: string; mountPath: string; readOnly?: boolean }[];
  ports: { name: string; containerPort: number }[];
  securityContext: Record<string, unknown>;
  livenessProbe: Record<string, unknown>;
  readinessProbe: Record<string, unknown>;
  resources: unknown;
};
type PodSpec = {
  containers: Container[];
  volumes: { name: string; secret?: { secretName: string }; configMap?: { name: string } }[];
  securityContext: Record<string, unknown>;
  automountServiceAccountToken: boolean;
  affinity?: unknown;
  nodeSelector?: unknown;
  tolerations?: unknown;
};

function render(provider = seedProvider()) {
  const out = renderProvider(provider, { imageTag: 'v0.1.0', checksum: 'abc' });
  const deployment = out.deployment as unknown as {
    metadata: {
      name: string;
      labels: Record<string, string>;
      ownerReferences: { uid: string; controller: boolean }[];
    };
    spec: {
      replicas: number;
      selector: { matchLabels: Record<string, string> };
      template: {
        metadata: { labels: Record<string, string>; annotations: Record<string, string> };
        spec: PodSpec;
      };
    };
  };
  const pod = deployment.spec.template.spec;
  return { out, deployment, pod, container: pod.containers[0] };
}

describe('Provider → Deployment (seed "Complete Example")', () => {
  it('passes exactly the seed command-line arguments', () => {
    expect(render().container.args).toEqual([
      '--grpc-addr=:9090',
      '--metrics-addr=:8080',
      '--provider-type=vsphere',
      '--provider-endpoint=https://vcenter.example.com:443',
      '--tls-enabled=false',
    ]);
  });

  it('sets the seed environment variables, and the rate limit', () => {
    const env = Object.fromEntries(render().container.env.map((e) => [e.name, e.value]));
    expect(env).toEqual({
      PROVIDER_TYPE: 'vsphere',
      PROVIDER_ENDPOINT: 'https://vcenter.example.com:443',
      PROVIDER_NAMESPACE: 'default',
      PROVIDER_NAME: 'vsphere-datacenter',
      TLS_ENABLED: 'false',
      RATE_LIMIT_QPS: '10',
      RATE_LIMIT_BURST: '20',
    });
  });

  it('mounts the credential Secret read-only at /etc/virtrigaud/credentials/, one file per key', () => {
    const { pod, container } = render();
    const mount = container.volumeMounts.find((m) => m.mountPath === '/etc/virtrigaud/credentials');
    expect(mount).toMatchObject({ readOnly: true });
    const volume = pod.volumes.find((v) => v.name === mount!.name);
    // A secret volume without `items` projects every key as a file of the same name.
    expect(volume).toEqual({
      name: mount!.name,
      secret: { secretName: 'vsphere-credentials', defaultMode: 0o440 },
    });
  });

  it('mounts provider.json from the ConfigMap at /etc/virtrigaud/config/', () => {
    const { out, pod, container } = render();
    const mount = container.volumeMounts.find((m) => m.mountPath === '/etc/virtrigaud/config');
    expect(mount).toMatchObject({ readOnly: true });
    expect(pod.volumes.find((v) => v.name === mount!.name)?.configMap?.name).toBe(
      'virtrigaud-provider-vsphere-datacenter-config',
    );
    const config = JSON.parse(
      (out.configMap as unknown as { data: Record<string, string> }).data['provider.json'],
    );
    expect(config).toEqual({ defaults: {}, endpointTLS: {}, rateLimit: { qps: 10, burst: 20 } });
  });

  it('labels the Deployment, pods and Service for the seed kubectl selectors', () => {
    const { out, deployment } = render();
    const expected = {
      'app.kubernetes.io/name': 'virtrigaud-provider',
      'app.kubernetes.io/instance': 'vsphere-datacenter',
    };
    expect(deployment.metadata.name).toBe('virtrigaud-provider-vsphere-datacenter');
    expect(deployment.metadata.labels).toMatchObject(expected);
    expect(deployment.spec.template.metadata.labels).toMatchObject(expected);
    expect(deployment.spec.selector.matchLabels).toEqual(expected);
    const service = out.service as unknown as {
      metadata: { name: string; labels: Record<string, string> };
      spec: {
        type: string;
        selector: Record<string, string>;
        ports: { name: string; port: number }[];
      };
    };
    expect(service.metadata.name).toBe('virtrigaud-provider-vsphere-datacenter');
    expect(service.spec.type).toBe('ClusterIP');
    expect(service.spec.selector).toEqual(expected);
    expect(service.spec.ports.map((p) => [p.name, p.port])).toEqual([
      ['grpc', 9090],
      ['metrics', 8080],
    ]);
  });

  it('is owned by the Provider, so deleting it removes everything generated', () => {
    const { out } = render();
    for (const obj of [out.deployment, out.service, out.configMap]) {
      expect(obj.metadata.ownerReferences).toEqual([
        expect.objectContaining({ kind: 'Provider', uid: 'uid-1', controller: true }),
      ]);
    }
  });

  it('runs with the seed pod security: non-root, read-only root, no capabilities, no token', () => {
    const { pod, container } = render();
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(container.securityContext).toMatchObject({
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(container.volumeMounts.find((m) => m.mountPath === '/tmp')).toBeDefined();
  });

  it('probes readiness over gRPC health and liveness over HTTP', () => {
    const { container } = render();
    expect(container.readinessProbe).toMatchObject({
      grpc: { port: 9090, service: 'provider.v1.Provider' },
    });
    expect(container.livenessProbe).toMatchObject({
      httpGet: { path: '/healthz', port: 'metrics' },
    });
  });

  it('uses the seed image and rolls on a config or secret change through the checksum', () => {
    const { container, deployment } = render();
    expect(container.image).toBe('ghcr.io/projectbeskar/virtrigaud/provider-vsphere:v0.2.0');
    expect(deployment.spec.template.metadata.annotations[CHECKSUM_ANNOTATION]).toBe('abc');
    const a = configChecksum({
      config: { x: 1 },
      secrets: [{ name: 's', uid: 'u', resourceVersion: '1' }],
    });
    const b = configChecksum({
      config: { x: 1 },
      secrets: [{ name: 's', uid: 'u', resourceVersion: '2' }],
    });
    expect(a).not.toBe(b);
  });
});

describe('Provider → Deployment (seed "Advanced Configuration")', () => {
  const advanced = seedProvider({
    type: 'libvirt',
    endpoint: 'qemu+ssh://admin@kvm.example.com/system',
    credentialSecretRef: { name: 'libvirt-credentials' },
    defaults: { cluster: 'production' },
    rateLimit: { qps: 20, burst: 50 },
    runtime: {
      image: 'ghcr.io/projectbeskar/virtrigaud/provider-libvirt:v0.2.0',
      replicas: 3,
      service: { port: 9090 },
      resources: {
        requests: { cpu: '200m', memory: '256Mi' },
        limits: { cpu: '2', memory: '2Gi' },
      },
      affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [] } },
      nodeSelector: { 'workload-type': 'compute' },
      tolerations: [
        { key: 'compute-dedicated', operator: 'Equal', value: 'true', effect: 'NoSchedule' },
      ],
      env: [
        { name: 'LIBVIRT_DEBUG', value: '1' },
        { name: 'PROVIDER_TIMEOUT', value: '300s' },
        { name: 'PROVIDER_TYPE', value: 'hijack' },
      ],
    },
  });

  it('carries replicas, resources, scheduling and user env (reserved names stay the controller’s)', () => {
    const { out, deployment, pod, container } = render(advanced);
    expect(deployment.spec.replicas).toBe(3);
    expect(container.resources).toEqual(advanced.spec.runtime!.resources);
    expect(pod.affinity).toEqual(advanced.spec.runtime!.affinity);
    expect(pod.nodeSelector).toEqual({ 'workload-type': 'compute' });
    expect(pod.tolerations).toEqual(advanced.spec.runtime!.tolerations);
    const env = container.env.map((e) => `${e.name}=${e.value}`);
    expect(env).toContain('LIBVIRT_DEBUG=1');
    expect(env).toContain('PROVIDER_TIMEOUT=300s');
    expect(env).toContain('PROVIDER_TYPE=libvirt');
    expect(env).not.toContain('PROVIDER_TYPE=hijack');
    expect(env).toContain('RATE_LIMIT_QPS=20');
    expect(env).toContain('RATE_LIMIT_BURST=50');
    expect(env).toContain('PROVIDER_REPLICAS=3');
    expect(out.ignoredEnv).toEqual(['PROVIDER_TYPE']);
    const config = JSON.parse(
      (out.configMap as unknown as { data: Record<string, string> }).data['provider.json'],
    );
    expect(config.defaults).toEqual({ cluster: 'production' });
  });

  it('changes the spec hash when the Provider changes, and only then', () => {
    const hash = (p: Provider) =>
      renderProvider(p, { imageTag: 'v', checksum: 'c' }).deployment.metadata.annotations![
        SPEC_HASH_ANNOTATION
      ];
    expect(hash(advanced)).toBe(hash(structuredClone(advanced)));
    const scaled = structuredClone(advanced);
    scaled.spec.runtime!.replicas = 5;
    expect(hash(scaled)).not.toBe(hash(advanced));
  });

  it('defaults the image to the operator release of the provider type', () => {
    const noImage = seedProvider({ type: 'mock', endpoint: 'mock://', runtime: {} });
    expect(render(noImage).container.image).toBe(
      'ghcr.io/projectbeskar/virtrigaud/provider-mock:v0.1.0',
    );
    expect(render(noImage).container.args[0]).toBe('--grpc-addr=:9090');
  });

  it('mounts the TLS Secret and probes readiness over HTTP when gRPC uses TLS', () => {
    const tls = seedProvider({ tls: { enabled: true, secretRef: { name: 'provider-tls' } } });
    const { container, pod } = render(tls);
    expect(container.args).toContain('--tls-enabled=true');
    const mount = container.volumeMounts.find((m) => m.mountPath === '/etc/virtrigaud/tls');
    expect(pod.volumes.find((v) => v.name === mount?.name)?.secret?.secretName).toBe(
      'provider-tls',
    );
    expect(container.readinessProbe).toMatchObject({ httpGet: { path: '/readyz' } });
  });
});

describe('Provider → security the manager adds', () => {
  const networkPolicy = {
    managerNamespace: 'virtrigaud-system',
    managerPodLabels: {
      'app.kubernetes.io/name': 'virtrigaud',
      'app.kubernetes.io/component': 'manager',
    },
    metricsNamespaceLabels: { 'kubernetes.io/metadata.name': 'monitoring' },
    metricsPodLabels: { 'app.kubernetes.io/name': 'prometheus' },
  };
  const managerIdentity = 'URI:spiffe://cluster.local/ns/virtrigaud-system/sa/virtrigaud-manager';
  const hardened = {
    imageTag: 'v0.1.0',
    checksum: 'abc',
    security: { tlsByDefault: true, managerIdentities: [managerIdentity], networkPolicy },
  };

  it('lets only the manager pods reach the gRPC port and the scrapers the metrics port', () => {
    const policy = renderProvider(seedProvider(), hardened).networkPolicy!;
    expect(policy).toMatchObject({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'virtrigaud-provider-vsphere-datacenter', namespace: 'default' },
    });
    expect(policy.metadata.ownerReferences).toEqual([
      expect.objectContaining({ kind: 'Provider', uid: 'uid-1', controller: true }),
    ]);
    expect(policy.spec).toEqual({
      podSelector: {
        matchLabels: {
          'app.kubernetes.io/name': 'virtrigaud-provider',
          'app.kubernetes.io/instance': 'vsphere-datacenter',
        },
      },
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: [
            {
              namespaceSelector: {
                matchLabels: { 'kubernetes.io/metadata.name': 'virtrigaud-system' },
              },
              podSelector: { matchLabels: networkPolicy.managerPodLabels },
            },
          ],
          ports: [{ protocol: 'TCP', port: 9090 }],
        },
        {
          from: [
            {
              namespaceSelector: { matchLabels: networkPolicy.metricsNamespaceLabels },
              podSelector: { matchLabels: networkPolicy.metricsPodLabels },
            },
          ],
          ports: [{ protocol: 'TCP', port: 8080 }],
        },
      ],
    });
  });

  it('serves mutual TLS to the manager identity alone when TLS is on by default', () => {
    const out = renderProvider(seedProvider(), hardened);
    const container = (out.deployment.spec as { template: { spec: PodSpec } }).template.spec
      .containers[0];
    expect(container.args).toContain('--tls-enabled=true');
    expect(JSON.parse((out.configMap.data as Record<string, string>)['provider.json']).tls).toEqual(
      {
        allowedClients: [managerIdentity],
      },
    );
    const volumes = (out.deployment.spec as { template: { spec: PodSpec } }).template.spec.volumes;
    expect(volumes.find((v) => v.name === 'tls')?.secret?.secretName).toBe(
      'virtrigaud-provider-vsphere-datacenter-tls',
    );
  });

  it('keeps TLS off for a Provider that says so, and the seed rendering without the default', () => {
    const off = seedProvider({ tls: { enabled: false } });
    expect(render(off).container.args).toContain('--tls-enabled=false');
    const offHardened = renderProvider(off, hardened);
    const args = (offHardened.deployment.spec as { template: { spec: PodSpec } }).template.spec
      .containers[0].args;
    expect(args).toContain('--tls-enabled=false');
    expect(render().out.networkPolicy).toBeUndefined();
  });
});

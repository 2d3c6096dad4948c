/* eslint-disable @typescript-eslint/no-explicit-any -- the tests edit manifests as arbitrary user JSON */
// The generated CRDs, as an API server enforces them: every object is submitted with
// `dryRun=All` to an API server (the devcluster, a real kube-apiserver with
// VIRTRIGAUD_TEST_SERVER=real, or any cluster in KUBECONFIG_UNDER_TEST), so what passes here is
// what `kubectl apply` accepts.
import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments, parse } from 'yaml';
import { admitter, type Admitter, type Manifest } from './testing/admission';

const fixtures = path.join(__dirname, '__fixtures__');
const readAll = (file: string) =>
  parseAllDocuments(fs.readFileSync(path.join(fixtures, file), 'utf8')).map(
    (d) => d.toJS() as Manifest,
  );

const seedProviders = readAll('seed-providers.yaml');
const vmExamples = readAll('vm-examples.yaml');
const clone = <T>(value: T): T => structuredClone(value);

/** Deep-merges a YAML fragment onto an object, as `kubectl patch --type merge` would. */
function merge<T extends object>(target: T, patch: object): T {
  const into = target as Record<string, unknown>;
  for (const [key, value] of Object.entries(patch)) {
    const current = into[key];
    const bothObjects = isObject(value) && isObject(current);
    into[key] = bothObjects ? merge(current, value) : value;
  }
  return target;
}
const isObject = (value: unknown): value is object =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

let api: Admitter;
beforeAll(async () => {
  api = await admitter(['default', 'production', 'development']);
}, 60_000);
afterAll(() => api?.stop());

describe('Provider CRD', () => {
  it.each(seedProviders.map((p) => [p.metadata.name, p] as const))(
    'accepts the seed Provider %s',
    async (_, provider) => {
      expect(await api.admit(provider)).toEqual({ allowed: true, object: expect.anything() });
    },
  );

  it('accepts the performance-tuning fragment merged onto the basic Provider', async () => {
    const tuned = merge(
      clone(seedProviders[0]),
      parse(fs.readFileSync(path.join(fixtures, 'performance-tuning.yaml'), 'utf8')),
    );
    const result = await api.admit(tuned);
    expect(result.allowed).toBe(true);
    expect(result.object?.spec).toMatchObject({
      rateLimit: { qps: 100, burst: 200 },
      runtime: { replicas: 5 },
    });
  });

  it('fills in the defaults a user leaves out', async () => {
    const result = await api.admit(seedProviders[2]);
    expect(result.object?.spec).toMatchObject({
      rateLimit: { qps: 10, burst: 20 },
      runtime: { mode: 'Remote', replicas: 1, service: { port: 9090 } },
      tls: { enabled: false },
    });
  });

  type Mutation = [string, string, (spec: Record<string, any>) => void];
  const invalid: Mutation[] = [
    ['an unknown type', 'spec.type', (s) => (s.type = 'hyperv')],
    ['a missing type', 'spec.type', (s) => delete s.type],
    ['a missing endpoint', 'spec.endpoint', (s) => delete s.endpoint],
    ['an empty endpoint', 'spec.endpoint', (s) => (s.endpoint = '')],
    ['a negative qps', 'spec.rateLimit.qps', (s) => (s.rateLimit = { qps: -1, burst: 5 })],
    ['a burst below qps', 'spec.rateLimit.burst', (s) => (s.rateLimit = { qps: 50, burst: 10 })],
    ['an unknown runtime.mode', 'spec.runtime.mode', (s) => (s.runtime.mode = 'InProcess')],
    ['a port above 65535', 'spec.runtime.service.port', (s) => (s.runtime.service.port = 70000)],
    ['port 0', 'spec.runtime.service.port', (s) => (s.runtime.service.port = 0)],
    ['a port given as text', 'spec.runtime.service.port', (s) => (s.runtime.service.port = 'grpc')],
    ['negative replicas', 'spec.runtime.replicas', (s) => (s.runtime.replicas = -1)],
    [
      'a memory request that is no quantity',
      'spec.runtime.resources.requests.memory',
      (s) => (s.runtime.resources = { requests: { memory: 'lots' } }),
    ],
    [
      'a memory request given as a negative number',
      'spec.runtime.resources.requests.memory',
      (s) => (s.runtime.resources = { requests: { memory: -1 } }),
    ],
    [
      'a nodeSelector value longer than a label value may be',
      'spec.runtime.nodeSelector.zone',
      (s) => (s.runtime.nodeSelector = { zone: 'z'.repeat(64) }),
    ],
    [
      'an unknown toleration effect',
      'spec.runtime.tolerations[0].effect',
      (s) => (s.runtime.tolerations = [{ key: 'a', effect: 'Sometimes' }]),
    ],
    [
      'an env var name with a space',
      'spec.runtime.env[0].name',
      (s) => (s.runtime.env = [{ name: 'BAD NAME', value: '1' }]),
    ],
    [
      'an image reference with spaces',
      'spec.runtime.image',
      (s) => (s.runtime.image = 'my image:latest'),
    ],
    [
      'a Secret name that is no DNS name',
      'spec.credentialSecretRef.name',
      (s) => (s.credentialSecretRef.name = 'Bad_Name'),
    ],
    [
      'a vsphere endpoint that is no URL',
      'spec.endpoint',
      (s) => (s.endpoint = 'vcenter.example.com'),
    ],
    [
      'a vsphere Provider without credentials',
      'spec.credentialSecretRef',
      (s) => delete s.credentialSecretRef,
    ],
    [
      'TLS enabled without a certificate Secret',
      'spec.tls.secretRef',
      (s) => (s.tls = { enabled: true }),
    ],
    [
      'a nodeSelector with a non-string value',
      'spec.runtime.nodeSelector.zone',
      (s) => (s.runtime.nodeSelector = { zone: 3 }),
    ],
  ];

  it.each(invalid)('rejects %s, naming %s', async (_, field, mutate) => {
    const provider = clone(seedProviders[0]);
    mutate(provider.spec);
    const result = await api.admit(provider);
    expect(result.allowed).toBe(false);
    expect(result.message).toContain(field);
  });

  it('accepts a quantity given as a number or as a string', async () => {
    const provider = clone(seedProviders[0]);
    provider.spec.runtime.resources = { requests: { cpu: 2, memory: '512Mi' } };
    expect((await api.admit(provider)).allowed).toBe(true);
  });

  it('fills in the rate limit a user gives only in part, then checks burst against qps', async () => {
    const provider = clone(seedProviders[0]);
    provider.spec.rateLimit = { qps: 15 };
    expect((await api.admit(provider)).object?.spec.rateLimit).toEqual({ qps: 15, burst: 20 });
    provider.spec.rateLimit = { qps: 50 };
    expect(await api.admit(provider)).toMatchObject({
      allowed: false,
      message: expect.stringContaining('spec.rateLimit.burst'),
    });
  });

  it('rejects a libvirt endpoint that is no libvirt URI', async () => {
    const provider = clone(seedProviders[1]);
    provider.spec.endpoint = 'ssh://admin@kvm.example.com';
    const result = await api.admit(provider);
    expect(result).toMatchObject({
      allowed: false,
      message: expect.stringContaining('spec.endpoint'),
    });
  });

  it('rejects a Provider without a spec', async () => {
    const provider = clone(seedProviders[0]);
    delete (provider as Partial<Manifest>).spec;
    expect((await api.admit(provider)).message).toContain('spec');
  });
});

describe('VMSet CRD', () => {
  const vmSet = (labels: Record<string, string>): Manifest => ({
    apiVersion: 'infra.virtrigaud.io/v1beta1',
    kind: 'VMSet',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels },
        spec: clone(vmExamples.find((o) => o.metadata.name === 'web-vsphere')!.spec),
      },
    },
  });

  it('accepts a template whose labels include the selector', async () => {
    const result = await api.admit(vmSet({ app: 'web', tier: 'front' }));
    expect(result).toMatchObject({
      allowed: true,
      object: { spec: { updateStrategy: { type: 'RollingUpdate' } } },
    });
  });

  it.each([
    [
      'a label the selector names with another value',
      'spec.template.metadata.labels',
      { app: 'db' },
    ],
    [
      'a label value longer than 63 characters',
      'spec.template.metadata.labels.tier',
      { app: 'web', tier: 'x'.repeat(64) },
    ],
  ])('rejects a template with %s, naming %s', async (_, field, labels) => {
    expect((await api.admit(vmSet(labels))).message).toContain(field);
  });
});

describe('VirtualMachine and its supporting kinds', () => {
  it.each(vmExamples.map((o) => [`${o.kind} ${o.metadata.name}`, o] as const))(
    'accepts %s',
    async (_, object) => {
      expect((await api.admit(object)).allowed).toBe(true);
    },
  );

  const vm = () => clone(vmExamples.find((o) => o.metadata.name === 'web-vsphere')!);
  type VMMutation = [string, string, (spec: Record<string, any>) => void];
  const invalid: VMMutation[] = [
    ['an unknown powerState', 'spec.powerState', (s) => (s.powerState = 'Paused')],
    ['a missing providerRef', 'spec.providerRef', (s) => delete s.providerRef],
    ['a zero-size disk', 'spec.disks[0].sizeGiB', (s) => (s.disks[0].sizeGiB = 0)],
    ['two disks with one name', 'spec.disks[1]', (s) => s.disks.push({ name: 'data', sizeGiB: 1 })],
    [
      'a malformed MAC address',
      'spec.networks[0].macAddress',
      (s) => (s.networks[0].macAddress = '52:54:00:zz:34:56'),
    ],
    [
      'cloud-init both inline and from a Secret',
      'spec.userData.cloudInit',
      (s) => (s.userData.cloudInit.secretRef = { name: 'ci' }),
    ],
    ['a tag with a space', 'spec.tags[0]', (s) => (s.tags = ['team payments'])],
    [
      'a shutdown timeout that is no duration',
      'spec.lifecycle.gracefulShutdownTimeout',
      (s) => (s.lifecycle = { gracefulShutdownTimeout: 'soon' }),
    ],
    ['a class name that is no DNS name', 'spec.classRef.name', (s) => (s.classRef.name = 'Small!')],
  ];
  it.each(invalid)('rejects a VirtualMachine with %s, naming %s', async (_, field, mutate) => {
    const object = vm();
    mutate(object.spec);
    const result = await api.admit(object);
    expect(result.allowed).toBe(false);
    expect(result.message).toContain(field);
  });

  const network = (name: string) => clone(vmExamples.find((o) => o.metadata.name === name)!);
  it('gives a network without ipAllocation DHCP', async () => {
    const result = await api.admit(network('kvm-net'));
    expect(result.object?.spec.ipAllocation).toEqual({ type: 'DHCP' });
  });

  it('rejects Static allocation without an address, naming spec.ipAllocation.address', async () => {
    const object = network('app-net');
    delete object.spec.ipAllocation.address;
    expect((await api.admit(object)).message).toContain('spec.ipAllocation.address');
  });

  it('rejects an image with two sources and a UEFI-less secure boot class', async () => {
    const image = clone(vmExamples.find((o) => o.metadata.name === 'ubuntu-vsphere')!);
    image.spec.source.proxmox = { templateID: 9000 };
    expect((await api.admit(image)).message).toContain('spec.source');
    const vmClass = clone(vmExamples.find((o) => o.kind === 'VMClass')!);
    vmClass.spec.firmware = 'BIOS';
    expect((await api.admit(vmClass)).message).toContain('spec.secureBoot');
  });

  const proxmoxImage = () => clone(vmExamples.find((o) => o.metadata.name === 'ubuntu-proxmox')!);
  it.each([
    ['a template and a cloud image', { templateID: 9000, importFrom: 'local:import/a.qcow2' }],
    ['a cloud image and an ISO', { importFrom: 'local:import/a.qcow2', iso: 'local:iso/a.iso' }],
    ['only a node', { node: 'pve1' }],
  ])('rejects a Proxmox image naming %s, asking for exactly one source', async (_, source) => {
    const image = proxmoxImage();
    image.spec.source.proxmox = source;
    expect((await api.admit(image)).message).toMatch(
      /spec.source.proxmox: .*set exactly one of templateID or templateName .*importFrom .* or iso/,
    );
  });

  it.each([
    ['importFrom', 'an ISO', 'local:iso/noble.iso'],
    ['importFrom', 'a volume without storage', 'import/noble.qcow2'],
    ['importFrom', 'a volume followed by drive options', 'local:import/a.qcow2,cache=unsafe'],
    ['iso', 'a disk image', 'local:import/noble.qcow2'],
  ])('rejects a Proxmox %s of %s, naming the field', async (field, _, value) => {
    const image = proxmoxImage();
    image.spec.source.proxmox = { [field]: value };
    expect((await api.admit(image)).message).toContain(`spec.source.proxmox.${field}`);
  });
});

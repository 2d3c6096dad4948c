// What a Provider may run, as the Provider controller enforces it (the ValidatingAdmissionPolicy
// shipped with the install enforces the same at the API server).
import type { Provider } from '@virtrigaud/api';
import { policyViolation } from './admission-policy';

const POLICY = {
  allowedImagePrefixes: ['ghcr.io/projectbeskar/virtrigaud/'],
  allowedServiceAccounts: ['provider-workload-identity'],
};

function provider(runtime: NonNullable<Provider['spec']['runtime']>): Provider {
  return {
    apiVersion: 'infra.virtrigaud.io/v1beta1',
    kind: 'Provider',
    metadata: { name: 'p', namespace: 'default' },
    spec: {
      type: 'vsphere',
      endpoint: 'https://vcenter.example.com',
      credentialSecretRef: { name: 'vsphere-credentials' },
      runtime,
    },
  };
}

const check = (runtime: NonNullable<Provider['spec']['runtime']>) =>
  policyViolation(provider(runtime), POLICY, 'v0.1.0');

describe('policyViolation', () => {
  it('accepts the seed example and the default image', () => {
    expect(check({ image: 'ghcr.io/projectbeskar/virtrigaud/provider-vsphere:v0.2.0' })).toBe(
      undefined,
    );
    expect(check({})).toBe(undefined);
  });

  it('refuses an image outside the allowed prefixes, naming the field', () => {
    expect(check({ image: 'docker.io/evil/miner:latest' })).toBe(
      'spec.runtime.image: "docker.io/evil/miner:latest" does not start with an allowed prefix (ghcr.io/projectbeskar/virtrigaud/)',
    );
    // A prefix is matched as given: a look-alike registry path does not pass.
    expect(check({ image: 'ghcr.io/projectbeskar/virtrigaud-evil/x:1' })).toMatch(
      /^spec\.runtime\.image:/,
    );
  });

  it('refuses a ServiceAccount that is not allowed', () => {
    expect(check({ serviceAccountName: 'cluster-admin-sa' })).toBe(
      'spec.runtime.serviceAccountName: "cluster-admin-sa" is not an allowed ServiceAccount (provider-workload-identity)',
    );
    expect(check({ serviceAccountName: 'provider-workload-identity' })).toBe(undefined);
  });

  it("refuses valueFrom anything but the Provider's own credential Secret", () => {
    expect(
      check({
        env: [
          { name: 'OK', valueFrom: { secretKeyRef: { name: 'vsphere-credentials', key: 'u' } } },
          { name: 'STEAL', valueFrom: { secretKeyRef: { name: 'other-team-db', key: 'pw' } } },
        ],
      }),
    ).toBe(
      "spec.runtime.env[1].valueFrom: only secretKeyRef to the Provider's credentialSecretRef (vsphere-credentials) is allowed",
    );
    expect(
      check({ env: [{ name: 'CM', valueFrom: { configMapKeyRef: { name: 'x', key: 'y' } } }] }),
    ).toMatch(/^spec\.runtime\.env\[0\]\.valueFrom:/);
  });

  it('allows any image when no prefixes are configured', () => {
    expect(
      policyViolation(
        provider({ image: 'registry.local/p:1' }),
        { allowedImagePrefixes: [], allowedServiceAccounts: [] },
        'v0.1.0',
      ),
    ).toBe(undefined);
  });
});

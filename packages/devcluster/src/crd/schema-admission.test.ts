// CRD admission of openAPIV3Schema as the real server does it. The three fixtures are earlier
// versions of operator/config/crd that kube-apiserver v1.28.7 refused; the expected causes
// below are its exact output (checked by hand with `kubectl create --dry-run=server` against a
// hand-started kube-apiserver v1.28.7, and re-checked whenever this suite runs with
// KUBECONFIG_UNDER_TEST pointing at one).
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { ApiextensionsV1Api } from '@kubernetes/client-node';
import { clusterUnderTest, failure, type ClusterUnderTest } from '../testing/cluster-under-test';
import { typed, widgetCrd } from '../testing/fixtures';

let cluster: ClusterUnderTest;
let crds: ApiextensionsV1Api;

beforeAll(async () => {
  cluster = await clusterUnderTest();
  crds = cluster.kc.makeApiClient(ApiextensionsV1Api);
});
afterAll(() => cluster?.stop());

const SCHEMA = 'spec.validation.openAPIV3Schema';
const RESOURCES = `${SCHEMA}.properties[spec].properties[runtime].properties[resources].properties`;

async function refusal(crd: unknown): Promise<string[]> {
  const { code, status } = await failure(
    crds.createCustomResourceDefinition({ body: typed(crd), dryRun: 'All' }),
  );
  expect(code).toBe(422);
  // Sorted: the real server lists some causes in Go's random map order.
  return (status.details?.causes ?? [])
    .map((c) => `${c.field}: ${(c as { message?: string }).message}`)
    .sort();
}

const fixture = (name: string) =>
  parse(fs.readFileSync(path.join(__dirname, 'fixtures', `refused-${name}.yaml`), 'utf8'));

it('refuses a non-structural schema: typed anyOf branches of an int-or-string quantity', async () => {
  expect(await refusal(fixture('providers'))).toEqual(
    ['limits', 'requests'].flatMap((map) =>
      [0, 1].map(
        (i) =>
          `${RESOURCES}[${map}].additionalProperties.anyOf[${i}].type: Forbidden: must be empty to be structural`,
      ),
    ),
  );
});

it('refuses a default that the CEL rules of its object cannot evaluate', async () => {
  const crd = fixture('providers');
  for (const map of ['limits', 'requests']) {
    const quantity =
      crd.spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.runtime.properties
        .resources.properties[map].additionalProperties;
    quantity.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }
  expect(await refusal(crd)).toEqual([
    `${SCHEMA}.properties[spec].properties[rateLimit].default: Invalid value: "object": no such key: burst evaluating rule: burst must be greater than or equal to qps`,
    `${SCHEMA}.properties[spec].properties[tls].default: Invalid value: "object": no such key: enabled evaluating rule: secretRef is required when TLS is enabled`,
  ]);
  expect(await refusal(fixture('vmnetworkattachments'))).toEqual([
    `${SCHEMA}.properties[spec].properties[ipAllocation].default: Invalid value: "object": no such key: type evaluating rule: address is required for Static allocation`,
  ]);
});

it('refuses a rule whose estimated cost exceeds the budget: label values without maxLength', async () => {
  expect(await refusal(fixture('vmsets'))).toEqual([
    `${SCHEMA}.properties[spec].x-kubernetes-validations[0].rule: Forbidden: estimated rule cost exceeds budget by factor of 1.006698x (try simplifying the rule, or adding maxItems, maxProperties, and maxLength where arrays, maps, and strings are declared)`,
  ]);
  const crd = fixture('vmsets');
  const spec = crd.spec.versions[0].schema.openAPIV3Schema.properties.spec;
  spec.properties.selector.properties.matchLabels.additionalProperties.maxLength = 63;
  await crds.createCustomResourceDefinition({ body: typed(crd), dryRun: 'All' });
});

it('refuses a default that fails its own schema', async () => {
  const crd = widgetCrd('admission.test.virtrigaud.io');
  crd.spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.color.default = 'pink';
  expect(await refusal(crd)).toEqual([
    `${SCHEMA}.properties[spec].properties[color].default: Unsupported value: "pink": supported values: "red", "green", "blue"`,
  ]);
});

it('refuses a default with fields its schema does not declare', async () => {
  const crd = widgetCrd('admission.test.virtrigaud.io');
  const spec = crd.spec.versions[0].schema.openAPIV3Schema.properties.spec;
  spec.properties.parts.default = [{ name: 'a', count: 1, extra: true }];
  expect(await refusal(crd)).toEqual([
    `${SCHEMA}.properties[spec].properties[parts].default: Invalid value: []interface {}{map[string]interface {}{"count":1, "extra":true, "name":"a"}}: must not have unknown fields`,
  ]);
});

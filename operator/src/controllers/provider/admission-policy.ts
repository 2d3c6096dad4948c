// What a Provider may make the manager run: its image, its ServiceAccount and where its
// environment comes from. A Provider is a request to run a pod with the manager's rights to
// create Deployments; without these limits anyone allowed to create a Provider could run any
// image, under any ServiceAccount's token, reading any Secret of the namespace into env.
// The ValidatingAdmissionPolicy shipped with the install (config/admission, chart) says the same
// to the API server; this check is the controller's own, for clusters without that policy.
import type { Provider } from '@virtrigaud/api';
import { providerImage } from './render';
import type { ProviderAdmissionPolicy } from './security-options';

/** The first violation, as `<field>: <reason>`; undefined when the Provider may run. */
export function policyViolation(
  provider: Provider,
  policy: ProviderAdmissionPolicy,
  imageTag: string,
): string | undefined {
  const runtime = provider.spec.runtime ?? {};
  const image = providerImage(provider, imageTag);
  const prefixes = policy.allowedImagePrefixes;
  if (prefixes.length > 0 && !prefixes.some((prefix) => image.startsWith(prefix)))
    return `spec.runtime.image: "${image}" does not start with an allowed prefix (${prefixes.join(', ')})`;
  const account = runtime.serviceAccountName;
  if (account !== undefined && !policy.allowedServiceAccounts.includes(account))
    return `spec.runtime.serviceAccountName: "${account}" is not an allowed ServiceAccount (${policy.allowedServiceAccounts.join(', ') || 'none are'})`;
  const credentials = provider.spec.credentialSecretRef?.name;
  const env = runtime.env ?? [];
  for (const [i, variable] of env.entries()) {
    if (variable.valueFrom === undefined) continue;
    const from = variable.valueFrom as { secretKeyRef?: { name?: string } };
    const ownSecret =
      Object.keys(from).length === 1 &&
      credentials !== undefined &&
      from.secretKeyRef?.name === credentials;
    if (!ownSecret)
      return `spec.runtime.env[${i}].valueFrom: only secretKeyRef to the Provider's credentialSecretRef (${credentials ?? 'none set'}) is allowed`;
  }
  return undefined;
}

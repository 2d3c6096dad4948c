// virtrigaud:provider:create: writes the credentials to a Secret (never to logs, outputs or git)
// and creates the Provider that references it; the operator turns it into the provider Deployment.
// With GitOps, only the Provider manifest is written to the workspace; the Secret still goes
// straight to the cluster, since credentials do not belong in a repository.
import type { PermissionsService } from '@backstage/backend-plugin-api';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { PROVIDER_TYPES, type Provider } from '@virtrigaud/api';
import type { Inventory } from '@virtrigaud/plugin-virtrigaud-backend';
import { virtrigaudProviderCreatePermission } from '@virtrigaud/plugin-virtrigaud-common';
import { toYaml11 } from './yaml-1-1';
import { KubeWriter, TASK_ID_LABEL } from './kube-writer';
import { DNS_LABEL, entityRefOf, requirePermission, writeManifest } from './shared';

export function createProviderAction(options: {
  inventory: Inventory;
  permissions: PermissionsService;
}) {
  const writer = new KubeWriter(options.inventory);
  return createTemplateAction({
    id: 'virtrigaud:provider:create',
    description:
      'Registers a hypervisor Provider (vSphere, libvirt, Proxmox or mock) with its credentials Secret.',
    supportsDryRun: true,
    schema: {
      input: {
        cluster: (z) => z.string().regex(DNS_LABEL).optional(),
        namespace: (z) => z.string().regex(DNS_LABEL).default('default'),
        name: (z) =>
          z.string().max(50).regex(DNS_LABEL, 'must be a DNS label (lower case, digits, -)'),
        type: (z) => z.enum(PROVIDER_TYPES),
        endpoint: (z) =>
          z
            .string()
            .min(1)
            .max(2048)
            .describe('https://vcenter:443, qemu+ssh://user@host/system, https://pve:8006'),
        credentials: (z) =>
          z
            .record(z.string().regex(/^[-._a-zA-Z0-9]+$/), z.string().optional())
            .optional()
            .describe(
              'Secret keys (username/password, token_id/token_secret, ssh-privatekey, known_hosts)',
            ),
        replicas: (z) => z.number().int().min(0).max(50).optional(),
        // No `image`: what a provider pod runs is the operator's choice (its release images and
        // --provider-allowed-image-prefixes), never a template's.
        rateLimit: (z) =>
          z.object({ qps: z.number().int().min(1), burst: z.number().int().min(1) }).optional(),
        insecureSkipVerify: (z) => z.boolean().optional(),
        caBundle: (z) =>
          z
            .string()
            .max(65536)
            .optional()
            .describe('PEM CA bundle the hypervisor certificate must chain to'),
        fingerprint: (z) =>
          z
            .string()
            .regex(/^([0-9A-Fa-f]{2}:){19}[0-9A-Fa-f]{2}$|^([0-9A-Fa-f]{2}:){31}[0-9A-Fa-f]{2}$/)
            .optional()
            .describe('SHA-1 or SHA-256 fingerprint the hypervisor certificate must have'),
        knownHosts: (z) =>
          z.string().max(65536).optional().describe('known_hosts lines for libvirt over SSH'),
        owner: (z) => z.string().optional(),
        gitops: (z) => z.object({ path: z.string().min(1) }).optional(),
      },
      output: {
        cluster: (z) => z.string(),
        namespace: (z) => z.string(),
        name: (z) => z.string(),
        entityRef: (z) => z.string(),
        secretName: (z) => z.string().optional(),
        manifest: (z) => z.string(),
        manifestPath: (z) => z.string().optional(),
      },
    },
    async handler(ctx) {
      await requirePermission(
        options.permissions,
        ctx as never,
        virtrigaudProviderCreatePermission,
      );
      const input = ctx.input;
      const { cluster, api } = writer.clusterFor(input.cluster);
      const labels = { [TASK_ID_LABEL]: ctx.task.id, 'app.kubernetes.io/managed-by': 'backstage' };
      // Templates pass every credential field; only the ones filled in go into the Secret, with
      // what the provider verifies the hypervisor against (ca.crt, known_hosts).
      const credentials = Object.fromEntries(
        Object.entries({
          ...input.credentials,
          'ca.crt': input.caBundle,
          known_hosts: input.knownHosts,
        }).filter(([, value]) => value),
      );
      const endpointTLS = {
        ...(input.insecureSkipVerify ? { insecureSkipVerify: true } : {}),
        ...(input.caBundle ? { caSecretKey: 'ca.crt' } : {}),
        ...(input.fingerprint ? { fingerprint: input.fingerprint } : {}),
      };
      const secretName = Object.keys(credentials).length ? `${input.name}-credentials` : undefined;
      const owner = input.owner ?? ctx.user?.ref;
      const provider: Provider = {
        apiVersion: 'infra.virtrigaud.io/v1beta1',
        kind: 'Provider',
        metadata: {
          name: input.name,
          namespace: input.namespace,
          labels,
          annotations: owner ? { 'backstage.io/owner': owner } : {},
        },
        spec: {
          type: input.type,
          endpoint: input.endpoint,
          ...(secretName ? { credentialSecretRef: { name: secretName } } : {}),
          ...(input.rateLimit ? { rateLimit: input.rateLimit } : {}),
          ...(Object.keys(endpointTLS).length ? { endpointTLS } : {}),
          ...(input.replicas !== undefined ? { runtime: { replicas: input.replicas } } : {}),
        },
      };
      const ref = { cluster, namespace: input.namespace, name: input.name };
      ctx.output('cluster', cluster);
      ctx.output('namespace', ref.namespace);
      ctx.output('name', ref.name);
      ctx.output('entityRef', entityRefOf(ref));
      ctx.output('manifest', toYaml11(provider));
      if (secretName) ctx.output('secretName', secretName);
      const dryRun = Boolean(ctx.isDryRun);
      // The Provider first (validated by the cluster) so a bad request leaves no orphan Secret.
      await writer.createOnce(api, provider, ctx.task.id, true);
      if (secretName) {
        const secret = {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: secretName, namespace: input.namespace, labels },
          type: 'Opaque',
          stringData: credentials,
        };
        await writer.createOnce(api, secret, ctx.task.id, dryRun);
      }
      if (input.gitops) {
        if (!dryRun)
          ctx.output(
            'manifestPath',
            await writeManifest(ctx.workspacePath, input.gitops.path, [provider]),
          );
        return;
      }
      if (!dryRun) await writer.createOnce(api, provider, ctx.task.id, false);
      ctx.logger.info(
        `${dryRun ? 'Validated' : 'Registered'} ${input.type} Provider ${ref.namespace}/${ref.name} in cluster ${cluster}`,
      );
    },
  });
}

// virtrigaud:vm:create: validates the request, then creates the VirtualMachine (or, in dry-run,
// has the cluster validate it with dryRun=All), or writes its manifest for GitOps. A re-run of the
// same task finds the VM it already created instead of making a second one.
import type { PermissionsService } from '@backstage/backend-plugin-api';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type { Inventory } from '@virtrigaud/plugin-virtrigaud-backend';
import { VM_LIMITS } from '@virtrigaud/api';
import { virtrigaudVmCreatePermission } from '@virtrigaud/plugin-virtrigaud-common';
import { toYaml11 } from './yaml-1-1';
import { KubeWriter } from './kube-writer';
import { DNS_LABEL, entityRefOf, requirePermission, writeManifest } from './shared';
import { vmManifest } from './vm-manifest';

const SSH_KEY =
  /^(ssh-(rsa|ed25519|dss)|ecdsa-sha2-nistp(256|384|521)|sk-[a-z0-9@.-]+) [A-Za-z0-9+/=]+( [^\n]*)?$/;

export function createVmAction(options: { inventory: Inventory; permissions: PermissionsService }) {
  const writer = new KubeWriter(options.inventory);
  return createTemplateAction({
    id: 'virtrigaud:vm:create',
    description:
      'Creates a VirtRigaud VirtualMachine (or writes its manifest for GitOps); the operator provisions it on the Provider.',
    supportsDryRun: true,
    schema: {
      input: {
        cluster: (z) =>
          z
            .string()
            .regex(DNS_LABEL)
            .optional()
            .describe('Cluster name from app-config; the first by default'),
        namespace: (z) =>
          z
            .string()
            .regex(DNS_LABEL, 'must be a DNS label')
            .default('default')
            .describe('Namespace'),
        name: (z) =>
          z
            .string()
            .max(63)
            .regex(DNS_LABEL, 'must be a DNS label (lower case, digits, -)')
            .describe('VM name'),
        provider: (z) => z.string().regex(DNS_LABEL).describe('Provider name'),
        vmClass: (z) => z.string().regex(DNS_LABEL).describe('VMClass name'),
        image: (z) => z.string().regex(DNS_LABEL).describe('VMImage name'),
        networks: (z) =>
          z
            .array(z.string().regex(DNS_LABEL))
            .max(VM_LIMITS.maxNetworks)
            .optional()
            .describe('VMNetworkAttachment names, in NIC order'),
        disks: (z) =>
          z
            .array(
              z.object({
                name: z.string().regex(DNS_LABEL),
                sizeGiB: z.number().int().min(1).max(VM_LIMITS.maxDiskSizeGiB),
              }),
            )
            .max(VM_LIMITS.maxDisks)
            .optional()
            .describe('Data disks'),
        user: (z) =>
          z
            .string()
            .regex(/^[a-z_][a-z0-9_-]{0,31}$/, 'must be a Linux user name')
            .optional()
            .describe('cloud-init user'),
        sshPublicKey: (z) =>
          z
            .string()
            .regex(SSH_KEY, 'must be one OpenSSH public key line')
            .optional()
            .describe('SSH public key'),
        powerState: (z) => z.enum(['On', 'Off']).optional().describe('Initial power state'),
        owner: (z) =>
          z.string().optional().describe('Catalog owner entity ref; the template user by default'),
        system: (z) => z.string().optional().describe('Catalog system'),
        gitops: (z) =>
          z
            .object({
              path: z
                .string()
                .min(1)
                .describe('Workspace path of the manifest, e.g. vms/web-1.yaml'),
            })
            .optional()
            .describe(
              'Write the manifest to the workspace for a publish step instead of applying it',
            ),
      },
      output: {
        cluster: (z) => z.string(),
        namespace: (z) => z.string(),
        name: (z) => z.string(),
        uid: (z) => z.string().optional(),
        entityRef: (z) => z.string(),
        created: (z) => z.boolean(),
        manifest: (z) => z.string(),
        manifestPath: (z) => z.string().optional(),
      },
    },
    async handler(ctx) {
      await requirePermission(options.permissions, ctx as never, virtrigaudVmCreatePermission);
      const { cluster, api } = writer.clusterFor(ctx.input.cluster);
      const manifest = vmManifest(
        { ...ctx.input, owner: ctx.input.owner ?? ctx.user?.ref },
        ctx.task.id,
      );
      const ref = { cluster, namespace: ctx.input.namespace, name: ctx.input.name };
      ctx.output('cluster', cluster);
      ctx.output('namespace', ref.namespace);
      ctx.output('name', ref.name);
      ctx.output('entityRef', entityRefOf(ref));
      ctx.output('manifest', toYaml11(manifest));
      if (ctx.input.gitops) {
        // Validated by the cluster even here, so a bad request fails before anything is published.
        await writer.createOnce(api, manifest, ctx.task.id, true);
        if (ctx.isDryRun) return void ctx.output('created', false);
        ctx.output(
          'manifestPath',
          await writeManifest(ctx.workspacePath, ctx.input.gitops.path, [manifest]),
        );
        ctx.output('created', false);
        return;
      }
      const { object, created } = await writer.createOnce(
        api,
        manifest,
        ctx.task.id,
        Boolean(ctx.isDryRun),
      );
      ctx.logger.info(
        `${ctx.isDryRun ? 'Validated' : created ? 'Created' : 'Found (earlier run)'} VirtualMachine ${ref.namespace}/${ref.name} in cluster ${cluster}`,
      );
      ctx.output('uid', ctx.isDryRun ? undefined : object.metadata?.uid);
      ctx.output('created', created && !ctx.isDryRun);
    },
  });
}

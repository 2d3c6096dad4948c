// virtrigaud:vm:power and virtrigaud:vm:delete: the same object writes as the REST API (the
// operator does the work), checked against the VM-scoped permissions of the initiator.
import type { PermissionsService } from '@backstage/backend-plugin-api';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { REBOOT_REQUESTED_ANNOTATION } from '@virtrigaud/api';
import { powerActionPatch, type Inventory } from '@virtrigaud/plugin-virtrigaud-backend';
import {
  POWER_ACTIONS,
  virtrigaudVmDeletePermission,
  virtrigaudVmPowerPermission,
  vmResourceRef,
} from '@virtrigaud/plugin-virtrigaud-common';
import { KubeWriter } from './kube-writer';
import { DNS_LABEL, requirePermission } from './shared';

type Options = { inventory: Inventory; permissions: PermissionsService };

function vmObject(namespace: string, name: string) {
  return {
    apiVersion: 'infra.virtrigaud.io/v1beta1',
    kind: 'VirtualMachine',
    metadata: { namespace, name },
  };
}

export function powerVmAction(options: Options) {
  const writer = new KubeWriter(options.inventory);
  return createTemplateAction({
    id: 'virtrigaud:vm:power',
    description:
      'Sets the power state of a VirtualMachine (on, off (hard) or shutdown (guest first)), or reboots it once (reboot).',
    supportsDryRun: true,
    schema: {
      input: {
        cluster: (z) => z.string().regex(DNS_LABEL).optional(),
        namespace: (z) => z.string().regex(DNS_LABEL).default('default'),
        name: (z) => z.string().regex(DNS_LABEL),
        action: (z) => z.enum(POWER_ACTIONS),
      },
      output: {
        powerState: (z) =>
          z.string().optional().describe('The spec.powerState set (on/off/shutdown)'),
        rebootRequestedAt: (z) =>
          z.string().optional().describe('The reboot request written (reboot)'),
      },
    },
    async handler(ctx) {
      const { cluster, api } = writer.clusterFor(ctx.input.cluster);
      const ref = { cluster, namespace: ctx.input.namespace, name: ctx.input.name };
      await requirePermission(
        options.permissions,
        ctx as never,
        virtrigaudVmPowerPermission,
        vmResourceRef(ref),
      );
      const vm = vmObject(ref.namespace, ref.name);
      const patch = powerActionPatch(ctx.input.action);
      const dryRun = Boolean(ctx.isDryRun);
      if ('spec' in patch) {
        await writer.mergePatch(api, { ...vm, spec: patch.spec }, dryRun);
        ctx.output('powerState', patch.spec.powerState);
      } else {
        await writer.mergePatch(
          api,
          { ...vm, metadata: { ...vm.metadata, ...patch.metadata } },
          dryRun,
        );
        ctx.output('rebootRequestedAt', patch.metadata.annotations[REBOOT_REQUESTED_ANNOTATION]);
      }
    },
  });
}

export function deleteVmAction(options: Options) {
  const writer = new KubeWriter(options.inventory);
  return createTemplateAction({
    id: 'virtrigaud:vm:delete',
    description:
      'Deletes a VirtualMachine; the operator removes it from the hypervisor first. Already gone counts as done.',
    supportsDryRun: true,
    schema: {
      input: {
        cluster: (z) => z.string().regex(DNS_LABEL).optional(),
        namespace: (z) => z.string().regex(DNS_LABEL).default('default'),
        name: (z) => z.string().regex(DNS_LABEL),
      },
      output: { deleted: (z) => z.boolean() },
    },
    async handler(ctx) {
      const { cluster, api } = writer.clusterFor(ctx.input.cluster);
      const ref = { cluster, namespace: ctx.input.namespace, name: ctx.input.name };
      await requirePermission(
        options.permissions,
        ctx as never,
        virtrigaudVmDeletePermission,
        vmResourceRef(ref),
      );
      const deleted = await writer.delete(
        api,
        vmObject(ref.namespace, ref.name),
        Boolean(ctx.isDryRun),
      );
      ctx.output('deleted', deleted);
    },
  });
}

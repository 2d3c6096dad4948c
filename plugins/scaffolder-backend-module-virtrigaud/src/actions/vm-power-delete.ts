// virtrigaud:vm:power and virtrigaud:vm:delete: the same object writes as the REST API (the
// operator does the work), checked against the VM-scoped permissions of the initiator.
import type { PermissionsService } from '@backstage/backend-plugin-api';
import type { Permission } from '@backstage/plugin-permission-common';
import { createTemplateAction, type ActionContext } from '@backstage/plugin-scaffolder-node';
import { REBOOT_REQUESTED_ANNOTATION } from '@virtrigaud/api';
import { powerActionPatch, type Inventory } from '@virtrigaud/plugin-virtrigaud-backend';
import {
  POWER_ACTIONS,
  virtrigaudVmDeletePermission,
  virtrigaudVmPowerPermission,
  vmResourceRef,
} from '@virtrigaud/plugin-virtrigaud-common';
import type { z as zod } from 'zod/v3';
import { KubeWriter } from './kube-writer';
import { DNS_LABEL, requirePermission } from './shared';

type Options = { inventory: Inventory; permissions: PermissionsService };

/** Both actions name one VirtualMachine the same way. */
const VM_TARGET_INPUT = {
  cluster: (z: typeof zod) => z.string().regex(DNS_LABEL).optional(),
  namespace: (z: typeof zod) => z.string().regex(DNS_LABEL).default('default'),
  name: (z: typeof zod) => z.string().regex(DNS_LABEL),
};

type VmTarget = { cluster?: string; namespace: string; name: string };

/**
 * The named VM's cluster API and object, once the initiator holds `permission` on that VM (a
 * permission decided per VM, so it is checked before anything is written).
 */
async function authorizedTarget(
  options: Options,
  writer: KubeWriter,
  ctx: ActionContext<VmTarget, never>,
  permission: Permission,
) {
  const { cluster, api } = writer.clusterFor(ctx.input.cluster);
  const { namespace, name } = ctx.input;
  await requirePermission(
    options.permissions,
    ctx as never,
    permission,
    vmResourceRef({ cluster, namespace, name }),
  );
  const vm = {
    apiVersion: 'infra.virtrigaud.io/v1beta1',
    kind: 'VirtualMachine',
    metadata: { namespace, name },
  };
  return { api, vm };
}

export function powerVmAction(options: Options) {
  const writer = new KubeWriter(options.inventory);
  return createTemplateAction({
    id: 'virtrigaud:vm:power',
    description:
      'Sets the power state of a VirtualMachine (on, off (hard) or shutdown (guest first)), or reboots it once (reboot).',
    supportsDryRun: true,
    schema: {
      input: { ...VM_TARGET_INPUT, action: (z) => z.enum(POWER_ACTIONS) },
      output: {
        powerState: (z) =>
          z.string().optional().describe('The spec.powerState set (on/off/shutdown)'),
        rebootRequestedAt: (z) =>
          z.string().optional().describe('The reboot request written (reboot)'),
      },
    },
    async handler(ctx) {
      const { api, vm } = await authorizedTarget(
        options,
        writer,
        ctx as never,
        virtrigaudVmPowerPermission,
      );
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
      input: VM_TARGET_INPUT,
      output: { deleted: (z) => z.boolean() },
    },
    async handler(ctx) {
      const { api, vm } = await authorizedTarget(
        options,
        writer,
        ctx as never,
        virtrigaudVmDeletePermission,
      );
      const deleted = await writer.delete(api, vm, Boolean(ctx.isDryRun));
      ctx.output('deleted', deleted);
    },
  });
}

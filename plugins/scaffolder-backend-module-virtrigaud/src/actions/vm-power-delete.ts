// virtrigaud:vm:power and virtrigaud:vm:delete: the same object writes as the REST API (the
// operator does the work), checked against the VM-scoped permissions of the initiator.
import type { PermissionsService } from '@backstage/backend-plugin-api';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type { Inventory } from '@virtrigaud/plugin-virtrigaud-backend';
import {
  POWER_ACTIONS,
  POWER_ACTION_STATES,
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
      'Sets the power state of a VirtualMachine: on, off (hard) or shutdown (guest first).',
    supportsDryRun: true,
    schema: {
      input: {
        cluster: (z) => z.string().regex(DNS_LABEL).optional(),
        namespace: (z) => z.string().regex(DNS_LABEL).default('default'),
        name: (z) => z.string().regex(DNS_LABEL),
        action: (z) => z.enum(POWER_ACTIONS),
      },
      output: { powerState: (z) => z.string() },
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
      const powerState = POWER_ACTION_STATES[ctx.input.action];
      await writer.mergePatch(
        api,
        { ...vmObject(ref.namespace, ref.name), spec: { powerState } },
        Boolean(ctx.isDryRun),
      );
      ctx.output('powerState', powerState);
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

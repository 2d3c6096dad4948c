// What every VirtRigaud action does the same way: check the initiator's permission, write a
// manifest into the workspace for GitOps, and name the outputs.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { PermissionsService } from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError } from '@backstage/errors';
import { AuthorizeResult, type Permission } from '@backstage/plugin-permission-common';
import type { ActionContext } from '@backstage/plugin-scaffolder-node';
import { entityNameFor, type ObjectRef } from '@virtrigaud/plugin-virtrigaud-common';
import { toYaml11 } from './yaml-1-1';

export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export async function requirePermission(
  permissions: PermissionsService,
  ctx: ActionContext<never, never>,
  permission: Permission,
  resourceRef?: string,
): Promise<void> {
  const credentials = await ctx.getInitiatorCredentials();
  const request = resourceRef ? { permission, resourceRef } : { permission };
  const [decision] = await permissions.authorize([request as never], { credentials });
  if (decision.result !== AuthorizeResult.ALLOW) {
    throw new NotAllowedError(`missing permission ${permission.name}`);
  }
}

/** Writes the manifests as one YAML stream under the workspace, for a later publish step. */
export async function writeManifest(
  workspacePath: string,
  relativePath: string,
  objects: object[],
): Promise<string> {
  const target = path.resolve(workspacePath, relativePath);
  if (!target.startsWith(path.resolve(workspacePath) + path.sep)) {
    throw new InputError(`gitops.path: "${relativePath}" must stay inside the workspace`);
  }
  await fs.mkdir(path.dirname(target), { recursive: true });
  await fs.writeFile(target, objects.map((o) => toYaml11(o)).join('---\n'));
  return path.relative(workspacePath, target);
}

export function entityRefOf(ref: ObjectRef): string {
  return `resource:default/${entityNameFor(ref)}`;
}

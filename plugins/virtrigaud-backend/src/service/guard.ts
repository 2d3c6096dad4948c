// Permission checks of every route. Resource permissions (read/power/delete of a VM) are decided
// with authorizeConditional and the conditions applied to the cached VM in memory, so a policy
// may allow "only my VMs" without a call back into this plugin per VM.
import type {
  BackstageCredentials,
  HttpAuthService,
  PermissionsRegistryService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  type BasicPermission,
  type ResourcePermission,
} from '@backstage/plugin-permission-common';
import { createConditionAuthorizer } from '@backstage/plugin-permission-node';
import type { VmSummary } from '@virtrigaud/plugin-virtrigaud-common';
import type { Request } from 'express';
import { vmResourceRef } from '../permissions/rules';

export class Guard {
  private readonly applyConditions: ReturnType<typeof createConditionAuthorizer<VmSummary>>;

  constructor(
    private readonly permissions: PermissionsService,
    private readonly httpAuth: HttpAuthService,
    registry: PermissionsRegistryService,
  ) {
    this.applyConditions = createConditionAuthorizer(registry.getPermissionRuleset(vmResourceRef));
  }

  credentials(req: Request): Promise<BackstageCredentials> {
    return this.httpAuth.credentials(req);
  }

  /** Throws 403 unless the basic permission is granted. */
  async require(req: Request, permission: BasicPermission): Promise<BackstageCredentials> {
    const credentials = await this.credentials(req);
    const [decision] = await this.permissions.authorize([{ permission }], { credentials });
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(`missing permission ${permission.name}`);
    }
    return credentials;
  }

  /**
   * A predicate telling which VMs the caller may act on with `permission`; throws 403 when the
   * answer is a flat no, so callers never scan VMs for nothing.
   */
  async vmFilter(
    req: Request,
    permission: ResourcePermission<'virtrigaud-vm'>,
  ): Promise<(vm: VmSummary) => boolean> {
    const credentials = await this.credentials(req);
    const [decision] = await this.permissions.authorizeConditional([{ permission }], {
      credentials,
    });
    if (decision.result === AuthorizeResult.DENY) {
      throw new NotAllowedError(`missing permission ${permission.name}`);
    }
    if (decision.result === AuthorizeResult.ALLOW) return () => true;
    return (vm) => this.applyConditions(decision, vm);
  }

  /** Throws 403 unless the caller may act on this VM. */
  async requireVm(
    req: Request,
    permission: ResourcePermission<'virtrigaud-vm'>,
    vm: VmSummary,
  ): Promise<void> {
    const allowed = await this.vmFilter(req, permission);
    if (!allowed(vm)) {
      throw new NotAllowedError(
        `missing permission ${permission.name} on ${vm.namespace}/${vm.name}`,
      );
    }
  }
}

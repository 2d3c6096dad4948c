// The permission policy of the local portal: everyone may do everything, except that the users
// and groups listed under `virtrigaudPortal.permissions.denyDelete` may not delete VMs. That is
// enough to show (and test end to end) that the UI hides what the policy forbids; a production
// backend brings its own policy (see plugins/virtrigaud-backend for resource-scoped conditions).
import type { Config } from '@backstage/config';
import { AuthorizeResult, type PolicyDecision } from '@backstage/plugin-permission-common';
import type {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { virtrigaudVmDeletePermission } from '@virtrigaud/plugin-virtrigaud-common';

export class PortalPolicy implements PermissionPolicy {
  private readonly denyDelete: ReadonlySet<string>;

  constructor(denyDelete: Iterable<string>) {
    this.denyDelete = new Set([...denyDelete].map((ref) => ref.toLocaleLowerCase('en-US')));
  }

  static fromConfig(config: Config): PortalPolicy {
    return new PortalPolicy(
      config.getOptionalStringArray('virtrigaudPortal.permissions.denyDelete') ?? [],
    );
  }

  async handle(request: PolicyQuery, user?: PolicyQueryUser): Promise<PolicyDecision> {
    if (request.permission.name === virtrigaudVmDeletePermission.name && this.isDenied(user)) {
      return { result: AuthorizeResult.DENY };
    }
    return { result: AuthorizeResult.ALLOW };
  }

  private isDenied(user: PolicyQueryUser | undefined): boolean {
    if (!user) return false;
    const refs = [user.info.userEntityRef, ...user.info.ownershipEntityRefs];
    return refs.some((ref) => this.denyDelete.has(ref.toLocaleLowerCase('en-US')));
  }
}

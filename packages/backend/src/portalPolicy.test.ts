import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { PolicyQueryUser } from '@backstage/plugin-permission-node';
import {
  virtrigaudVmDeletePermission,
  virtrigaudVmPowerPermission,
} from '@virtrigaud/plugin-virtrigaud-common';
import { PortalPolicy } from './portalPolicy';

const user = (userEntityRef: string, groups: string[] = []) =>
  ({ info: { userEntityRef, ownershipEntityRefs: [userEntityRef, ...groups] } }) as PolicyQueryUser;

describe('PortalPolicy', () => {
  const policy = new PortalPolicy(['user:default/viewer', 'group:default/auditors']);

  it('denies deleting VMs to listed users and to members of listed groups', async () => {
    const request = { permission: virtrigaudVmDeletePermission };
    expect((await policy.handle(request, user('user:default/viewer'))).result).toBe(
      AuthorizeResult.DENY,
    );
    expect(
      (await policy.handle(request, user('user:default/ann', ['group:default/Auditors']))).result,
    ).toBe(AuthorizeResult.DENY);
  });

  it('allows everything else, including other actions of listed users', async () => {
    expect(
      (
        await policy.handle(
          { permission: virtrigaudVmDeletePermission },
          user('user:default/guest'),
        )
      ).result,
    ).toBe(AuthorizeResult.ALLOW);
    expect(
      (
        await policy.handle(
          { permission: virtrigaudVmPowerPermission },
          user('user:default/viewer'),
        )
      ).result,
    ).toBe(AuthorizeResult.ALLOW);
  });
});

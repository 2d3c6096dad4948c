import { createExternalRouteRef, createRouteRef } from '@backstage/core-plugin-api';

/** The "Virtual machines" page. */
export const rootRouteRef = createRouteRef({ id: 'virtrigaud' });

/** Where a user creates a VM: the app binds it to the scaffolder (the "New virtual machine" template). */
export const createVmRouteRef = createExternalRouteRef({
  id: 'virtrigaud-create-vm',
  optional: true,
});

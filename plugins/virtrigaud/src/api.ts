// The VirtRigaud API as a Backstage utility API, so components get it through useApi and tests
// can swap in a fake with TestApiProvider.
import { createApiRef } from '@backstage/core-plugin-api';
import type { VirtrigaudApi } from '@virtrigaud/plugin-virtrigaud-common';

export const virtrigaudApiRef = createApiRef<VirtrigaudApi>({ id: 'plugin.virtrigaud.api' });

import { coreServices, createBackendModule } from '@backstage/backend-plugin-api';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { PortalPolicy } from './portalPolicy';

export const portalPolicyModule = createBackendModule({
  pluginId: 'permission',
  moduleId: 'virtrigaud-portal-policy',
  register(reg) {
    reg.registerInit({
      deps: { policy: policyExtensionPoint, config: coreServices.rootConfig },
      async init({ policy, config }) {
        policy.setPolicy(PortalPolicy.fromConfig(config));
      },
    });
  },
});

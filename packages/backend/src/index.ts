#!/usr/bin/env node
// The Backstage backend of the local VirtRigaud portal (new backend system). Config comes from
// the repository's app-config.yaml plus `--config <file>` and APP_CONFIG_* overrides; the
// frontend is served from packages/app's production bundle by the app backend plugin.
import { createBackend } from '@backstage/backend-defaults';
import appBackend from '@backstage/plugin-app-backend';
import authBackend from '@backstage/plugin-auth-backend';
import guestAuthProvider from '@backstage/plugin-auth-backend-module-guest-provider';
import catalogBackend from '@backstage/plugin-catalog-backend';
import scaffolderEntityModel from '@backstage/plugin-catalog-backend-module-scaffolder-entity-model';
import scaffolderBackend from '@backstage/plugin-scaffolder-backend';
import kubernetesBackend from '@backstage/plugin-kubernetes-backend';
import permissionBackend from '@backstage/plugin-permission-backend';
import virtrigaudBackend from '@virtrigaud/plugin-virtrigaud-backend';
import virtrigaudCatalogModule from '@virtrigaud/plugin-catalog-backend-module-virtrigaud';
import virtrigaudScaffolderModule from '@virtrigaud/plugin-scaffolder-backend-module-virtrigaud';
import { portalPolicyModule } from './portalPolicyModule';

const backend = createBackend();

backend.add(appBackend);
backend.add(authBackend);
backend.add(guestAuthProvider);
backend.add(catalogBackend);
backend.add(scaffolderEntityModel);
backend.add(scaffolderBackend);
backend.add(kubernetesBackend);
backend.add(permissionBackend);
backend.add(portalPolicyModule);
backend.add(virtrigaudBackend);
backend.add(virtrigaudCatalogModule);
backend.add(virtrigaudScaffolderModule);

backend.start().catch((error: Error) => {
  process.stderr.write(`backend failed to start: ${error.stack ?? error.message}\n`);
  process.exit(1);
});

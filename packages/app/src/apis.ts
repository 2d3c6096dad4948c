import { configApiRef, createApiFactory } from '@backstage/core-plugin-api';
import { ScmIntegrationsApi, scmIntegrationsApiRef } from '@backstage/integration-react';

// The VirtRigaud API comes with its plugin; the scaffolder and catalog need the SCM integrations.
export const apis = [
  createApiFactory({
    api: scmIntegrationsApiRef,
    deps: { configApi: configApiRef },
    factory: ({ configApi }) => ScmIntegrationsApi.fromConfig(configApi),
  }),
];

// The plugin for Backstage's new frontend system: the same API, page, entity cards and
// scaffolder fields as extensions an app discovers by installing the package.
import { compatWrapper, convertLegacyRouteRef } from '@backstage/core-compat-api';
import {
  ApiBlueprint,
  createFrontendPlugin,
  type FrontendPlugin,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { createFormField, FormFieldBlueprint } from '@backstage/plugin-scaffolder-react/alpha';
import * as cards from './components/EntityCards';
import { VirtualMachinesPage } from './components/list/VirtualMachinesPage';
import { pickerFieldExtension, PICKER_KINDS } from './components/fields/fieldExtensions';
import { isProviderEntity, isVirtualMachineEntity } from './entityFilters';
import { virtrigaudApiFactory } from './plugin';
import { createVmRouteRef, rootRouteRef } from './routes';

const api = ApiBlueprint.make({ params: (defineParams) => defineParams(virtrigaudApiFactory) });

const page = PageBlueprint.make({
  params: {
    path: '/virtual-machines',
    title: 'Virtual machines',
    routeRef: convertLegacyRouteRef(rootRouteRef),
    loader: async () => compatWrapper(<VirtualMachinesPage />),
  },
});

const vmCard = EntityCardBlueprint.make({
  name: 'virtual-machine',
  params: {
    filter: isVirtualMachineEntity,
    loader: async () => compatWrapper(<cards.EntityVirtualMachineCard />),
  },
});

const providerHealthCard = EntityCardBlueprint.make({
  name: 'provider-health',
  params: {
    filter: isProviderEntity,
    loader: async () => compatWrapper(<cards.EntityProviderHealthCard />),
  },
});

const providerVmsCard = EntityCardBlueprint.make({
  name: 'provider-vms',
  params: {
    filter: isProviderEntity,
    loader: async () => compatWrapper(<cards.EntityProviderVmsCard />),
  },
});

const formFields = PICKER_KINDS.map((kind) =>
  FormFieldBlueprint.make({
    name: kind.fieldName,
    params: { field: async () => createFormField(pickerFieldExtension(kind) as never) },
  }),
);

const virtrigaudPlugin: FrontendPlugin = createFrontendPlugin({
  pluginId: 'virtrigaud',
  title: 'Virtual machines',
  routes: { root: convertLegacyRouteRef(rootRouteRef) },
  externalRoutes: { createVm: convertLegacyRouteRef(createVmRouteRef) },
  extensions: [api, page, vmCard, providerHealthCard, providerVmsCard, ...formFields],
});

export default virtrigaudPlugin;

// The plugin for Backstage's (legacy) frontend system: API, page, entity cards, scaffolder fields.
// Components are imported statically: this package compiles to CommonJS, where a dynamic import
// would not split the bundle anyway.
import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { createScaffolderFieldExtension } from '@backstage/plugin-scaffolder-react';
import { VirtrigaudClient } from '@virtrigaud/plugin-virtrigaud-common';
import { virtrigaudApiRef } from './api';
import * as cards from './components/EntityCards';
import { VirtualMachinesPage as VirtualMachinesPageComponent } from './components/list/VirtualMachinesPage';
import { pickerFieldExtension } from './components/fields/fieldExtensions';
import {
  classPicker,
  imagePicker,
  networkPicker,
  providerPicker,
} from './components/fields/pickerKinds';
import { createVmRouteRef, rootRouteRef } from './routes';

export const virtrigaudApiFactory = createApiFactory({
  api: virtrigaudApiRef,
  deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
  factory: ({ discoveryApi, fetchApi }) => new VirtrigaudClient({ discoveryApi, fetchApi }),
});

export const virtrigaudPlugin = createPlugin({
  id: 'virtrigaud',
  apis: [virtrigaudApiFactory],
  routes: { root: rootRouteRef },
  externalRoutes: { createVm: createVmRouteRef },
});

export const VirtualMachinesPage = virtrigaudPlugin.provide(
  createRoutableExtension({
    name: 'VirtualMachinesPage',
    component: async () => VirtualMachinesPageComponent,
    mountPoint: rootRouteRef,
  }),
);

export const EntityVirtualMachineCard = virtrigaudPlugin.provide(
  createComponentExtension({
    name: 'EntityVirtualMachineCard',
    component: { sync: cards.EntityVirtualMachineCard },
  }),
);

export const EntityProviderHealthCard = virtrigaudPlugin.provide(
  createComponentExtension({
    name: 'EntityProviderHealthCard',
    component: { sync: cards.EntityProviderHealthCard },
  }),
);

export const EntityProviderVmsCard = virtrigaudPlugin.provide(
  createComponentExtension({
    name: 'EntityProviderVmsCard',
    component: { sync: cards.EntityProviderVmsCard },
  }),
);

export const VirtrigaudProviderPickerFieldExtension = virtrigaudPlugin.provide(
  createScaffolderFieldExtension(pickerFieldExtension(providerPicker)),
);
export const VirtrigaudClassPickerFieldExtension = virtrigaudPlugin.provide(
  createScaffolderFieldExtension(pickerFieldExtension(classPicker)),
);
export const VirtrigaudImagePickerFieldExtension = virtrigaudPlugin.provide(
  createScaffolderFieldExtension(pickerFieldExtension(imagePicker)),
);
export const VirtrigaudNetworkPickerFieldExtension = virtrigaudPlugin.provide(
  createScaffolderFieldExtension(pickerFieldExtension(networkPicker)),
);

// The local VirtRigaud portal: catalog (with VM and Provider entity pages), scaffolder (with the
// VirtRigaud pickers), Kubernetes and the Virtual machines page; guest sign-in.
import { createApp } from '@backstage/app-defaults';
import { AlertDisplay, OAuthRequestDialog, SignInPage } from '@backstage/core-components';
import { AppRouter, FlatRoutes } from '@backstage/core-app-api';
import { CatalogEntityPage, CatalogIndexPage, catalogPlugin } from '@backstage/plugin-catalog';
import { ScaffolderPage, scaffolderPlugin } from '@backstage/plugin-scaffolder';
import { ScaffolderFieldExtensions } from '@backstage/plugin-scaffolder-react';
import {
  VirtrigaudClassPickerFieldExtension,
  VirtrigaudImagePickerFieldExtension,
  VirtrigaudNetworkPickerFieldExtension,
  VirtrigaudProviderPickerFieldExtension,
  VirtualMachinesPage,
  virtrigaudPlugin,
} from '@virtrigaud/plugin-virtrigaud';
import { Navigate, Route } from 'react-router-dom';
import { apis } from './apis';
import { entityPage } from './components/catalog/EntityPage';
import { Root } from './components/Root/Root';

const app = createApp({
  apis,
  plugins: [virtrigaudPlugin],
  bindRoutes({ bind }) {
    bind(catalogPlugin.externalRoutes, {
      createComponent: scaffolderPlugin.routes.root,
      createFromTemplate: scaffolderPlugin.routes.selectedTemplate,
    });
    bind(virtrigaudPlugin.externalRoutes, { createVm: scaffolderPlugin.routes.root });
  },
  components: {
    SignInPage: (props) => <SignInPage {...props} auto providers={['guest']} />,
  },
});

const routes = (
  <FlatRoutes>
    <Route path="/" element={<Navigate to="catalog" />} />
    <Route path="/catalog" element={<CatalogIndexPage />} />
    <Route path="/catalog/:namespace/:kind/:name" element={<CatalogEntityPage />}>
      {entityPage}
    </Route>
    <Route path="/create" element={<ScaffolderPage />}>
      <ScaffolderFieldExtensions>
        <VirtrigaudProviderPickerFieldExtension />
        <VirtrigaudClassPickerFieldExtension />
        <VirtrigaudImagePickerFieldExtension />
        <VirtrigaudNetworkPickerFieldExtension />
      </ScaffolderFieldExtensions>
    </Route>
    <Route path="/virtual-machines" element={<VirtualMachinesPage />} />
  </FlatRoutes>
);

export default app.createRoot(
  <>
    <AlertDisplay />
    <OAuthRequestDialog />
    <AppRouter>
      <Root>{routes}</Root>
    </AppRouter>
  </>,
);

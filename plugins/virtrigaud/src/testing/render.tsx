// Renders plugin components the way an app does: inside a Backstage test app with our API, a
// permission API that allows or denies as the test says, and (for entity cards) an entity.
import type { Entity } from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { entityRouteRef, EntityProvider } from '@backstage/plugin-catalog-react';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { mockApis, renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import {
  ANNOTATION_CLUSTER,
  ANNOTATION_KIND,
  ANNOTATION_NAME,
  ANNOTATION_NAMESPACE,
  ENTITY_TYPE_PROVIDER,
  ENTITY_TYPE_VM,
} from '@virtrigaud/plugin-virtrigaud-common';
import type { ReactNode } from 'react';
import { SWRConfig } from 'swr';
import { virtrigaudApiRef } from '../api';
import { rootRouteRef } from '../routes';
import type { FakeApi } from './fakeApi';

export interface RenderOptions {
  /** Permission names the user is denied (e.g. `virtrigaud.vm.delete`); all else is allowed. */
  deny?: string[];
  entity?: Entity;
  routeEntries?: string[];
}

export function renderWithApp(node: ReactNode, api: FakeApi, options: RenderOptions = {}) {
  const permissionApi = mockApis.permission({
    authorize: (request) =>
      options.deny?.includes(request.permission.name)
        ? AuthorizeResult.DENY
        : AuthorizeResult.ALLOW,
  });
  const content = options.entity ? (
    <EntityProvider entity={options.entity}>{node}</EntityProvider>
  ) : (
    node
  );
  // usePermission caches decisions in SWR; a fresh cache per render keeps tests independent.
  return renderInTestApp(
    <SWRConfig value={{ provider: () => new Map() }}>
      <TestApiProvider
        apis={[
          [virtrigaudApiRef, api],
          [permissionApiRef, permissionApi],
        ]}
      >
        {content}
      </TestApiProvider>
    </SWRConfig>,
    {
      mountedRoutes: {
        '/catalog/:namespace/:kind/:name': entityRouteRef,
        '/virtual-machines': rootRouteRef,
      },
      routeEntries: options.routeEntries,
    },
  );
}

export function resourceEntity(
  kind: 'VirtualMachine' | 'Provider',
  name: string,
  annotations?: Record<string, string>,
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: `dev.team-a.${name}`,
      namespace: 'default',
      annotations: annotations ?? {
        [ANNOTATION_KIND]: kind,
        [ANNOTATION_CLUSTER]: 'dev',
        [ANNOTATION_NAMESPACE]: 'team-a',
        [ANNOTATION_NAME]: name,
      },
    },
    spec: {
      type: kind === 'VirtualMachine' ? ENTITY_TYPE_VM : ENTITY_TYPE_PROVIDER,
      owner: 'group:default/team-a',
    },
    relations: [],
  };
}

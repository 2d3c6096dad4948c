// Starts the real Backstage test backend (startTestBackend) with the VirtRigaud plugin against a
// test cluster, a permission policy the test controls, and a VirtrigaudClient acting as a user.
import type { AddressInfo } from 'node:net';
import { createBackendModule, type BackendFeature } from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import {
  AuthorizeResult,
  type PolicyDecision,
  type Permission,
} from '@backstage/plugin-permission-common';
import { VirtrigaudClient } from '@virtrigaud/plugin-virtrigaud-common';
import type { Inventory } from '../service/inventory';
import { virtrigaudInventoryServiceRef } from '../service/inventory-service';

/** What the test's permission policy answers: DENY for names in `denied`, else ALLOW or `conditional`. */
export interface TestPolicy {
  denied: Set<string>;
  conditional: Map<string, PolicyDecision>;
}

export function allowAll(): TestPolicy {
  return { denied: new Set(), conditional: new Map() };
}

function decide(policy: TestPolicy, permission: Permission): PolicyDecision {
  if (policy.denied.has(permission.name)) return { result: AuthorizeResult.DENY };
  return policy.conditional.get(permission.name) ?? { result: AuthorizeResult.ALLOW };
}

export interface StartedBackend {
  baseUrl: string;
  inventory: Inventory;
  clientAs(userEntityRef: string): VirtrigaudClient;
  stop(): Promise<void>;
}

export async function startVirtrigaudBackend(options: {
  kubeconfigPath: string;
  policy: TestPolicy;
  features: BackendFeature[];
  config?: object;
}): Promise<StartedBackend> {
  const { policy } = options;
  let inventory: Inventory | undefined;
  const captureInventory = createBackendModule({
    pluginId: 'virtrigaud',
    moduleId: 'test-capture',
    register(env) {
      env.registerInit({
        deps: { inventory: virtrigaudInventoryServiceRef },
        async init(deps) {
          inventory = deps.inventory;
        },
      });
    },
  });
  const permissions = mockServices.permissions.mock({
    authorize: async (requests) =>
      requests.map((r) => {
        const decision = decide(policy, r.permission);
        return {
          result:
            decision.result === AuthorizeResult.DENY ? AuthorizeResult.DENY : AuthorizeResult.ALLOW,
        };
      }),
    authorizeConditional: async (requests) =>
      requests.map((r) => decide(policy, r.permission)) as never,
  });
  const backend = await startTestBackend({
    features: [
      ...options.features,
      captureInventory,
      permissions.factory,
      mockServices.rootConfig.factory({
        data: {
          virtrigaud: {
            clusters: [{ name: 'local', kubeconfigPath: options.kubeconfigPath }],
            metrics: { intervalSeconds: 3600 },
          },
          ...options.config,
        },
      }),
    ],
  });
  const port = (backend.server.address() as AddressInfo).port;
  const baseUrl = `http://localhost:${port}/api/virtrigaud`;
  await inventory!.ready();
  return {
    baseUrl,
    inventory: inventory!,
    clientAs: (userEntityRef) =>
      new VirtrigaudClient({
        discoveryApi: { getBaseUrl: async () => baseUrl },
        fetchApi: {
          // As Backstage's FetchApi does: the user's token is added to whatever request comes in.
          fetch: (input, init) => {
            const request = new Request(input, init);
            request.headers.set('Authorization', mockCredentials.user.header(userEntityRef));
            return fetch(request);
          },
        },
      }),
    stop: () => backend.stop(),
  };
}

// The REST API of src/schema/openapi.yaml. Every route validates its input against that document
// (400 naming the field) and checks its permission (403); reads come from the informer cache,
// writes go to the VirtualMachine object and the operator does the work.
import type { LoggerService } from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import type { ProviderType, VirtualMachine } from '@virtrigaud/api';
import { Resources } from '@virtrigaud/api';
import { KubeResources, type KubeObject } from '@virtrigaud/kube';
import {
  virtrigaudProviderReadPermission,
  virtrigaudVmCreatePermission,
  virtrigaudVmDeletePermission,
  virtrigaudVmPowerPermission,
  virtrigaudVmReadPermission,
  type ListVmsQuery,
  type ObjectEvent,
  type ObjectRef,
  type PowerAction,
} from '@virtrigaud/plugin-virtrigaud-common';
import express, { type Request } from 'express';
import Router from 'express-promise-router';
import { FieldInputError } from '../schema/field-error';
import { RequestValidator } from '../schema/request-validator';
import type { ClusterCache } from './cache/cluster-cache';
import type { Guard } from './guard';
import type { Inventory } from './inventory';
import { streamLiveEvents } from './live-events';
import { powerActionPatch } from './power-patch';
import {
  toClassSummary,
  toImageSummary,
  toNetworkSummary,
  toVmDetail,
  toVmSummary,
} from './summaries';
import { queryVms } from './vm-query';

export interface RouterOptions {
  inventory: Inventory;
  guard: Guard;
  logger: LoggerService;
  validator?: RequestValidator;
}

const MAX_EVENTS = 25;

interface KubeEvent extends KubeObject {
  type?: string;
  reason?: string;
  message?: string;
  count?: number;
  lastTimestamp?: string;
  eventTime?: string;
}

export async function createRouter(options: RouterOptions): Promise<express.Router> {
  const { inventory, guard } = options;
  const validator = options.validator ?? new RequestValidator();
  const router = Router();
  router.use(express.json());

  const clusterOf = (name: string, field: string): ClusterCache => {
    const cache = inventory.cluster(name);
    if (!cache) throw new FieldInputError(field, `unknown cluster "${name}"`);
    return cache;
  };

  /** The VM of the path, after the caller proved `permission` on it (404 hides unreadable ones). */
  const vmOfPath = async (req: Request, operationId: string) => {
    const { path } = validator.validate(operationId, req);
    const ref: ObjectRef = { cluster: path.cluster, namespace: path.namespace, name: path.name };
    clusterOf(ref.cluster, 'path.cluster');
    const readable = await guard.vmFilter(req, virtrigaudVmReadPermission);
    const vm = inventory.vm(ref);
    if (!vm || !readable(vm)) {
      throw new NotFoundError(
        `VirtualMachine ${ref.namespace}/${ref.name} not found in cluster ${ref.cluster}`,
      );
    }
    return vm;
  };

  router.get('/clusters', async (req, res) => {
    validator.validate('listClusters', req);
    await guard.require(req, virtrigaudProviderReadPermission);
    const vmCount = new Map<string, number>();
    for (const vm of inventory.vms()) vmCount.set(vm.cluster, (vmCount.get(vm.cluster) ?? 0) + 1);
    res.json({
      items: inventory.clusters().map((cache) => ({
        name: cache.name,
        synced: cache.synced,
        vmCount: vmCount.get(cache.name) ?? 0,
        providerCount: cache.providers.size,
      })),
    });
  });

  router.get('/vms', async (req, res) => {
    const { query } = validator.validate('listVms', req);
    if (query.cluster) clusterOf(query.cluster as string, 'query.cluster');
    const allowed = await guard.vmFilter(req, virtrigaudVmReadPermission);
    res.json(queryVms(inventory.vms(), query as ListVmsQuery, allowed));
  });

  router.get('/vms/:cluster/:namespace/:name', async (req, res) => {
    const vm = await vmOfPath(req, 'getVm');
    const object = inventory.cluster(vm.cluster)!.vms.get(vm.namespace, vm.name)!;
    res.json({ ...toVmDetail(vm.cluster, object), timeline: inventory.vmTimeline(vm) });
  });

  router.get('/vms/:cluster/:namespace/:name/events', async (req, res) => {
    const vm = await vmOfPath(req, 'getVmEvents');
    const cache = inventory.cluster(vm.cluster)!;
    const list = await cache.client.list<KubeEvent>(KubeResources.Event, vm.namespace, {
      fieldSelector: `involvedObject.kind=VirtualMachine,involvedObject.name=${vm.name}`,
    });
    const items: ObjectEvent[] = list.items
      .map((event) => ({
        type: event.type ?? 'Normal',
        reason: event.reason ?? '',
        message: event.message ?? '',
        count: event.count ?? 1,
        lastTimestamp: event.lastTimestamp ?? event.eventTime,
      }))
      .sort((a, b) => (b.lastTimestamp ?? '').localeCompare(a.lastTimestamp ?? ''))
      .slice(0, MAX_EVENTS);
    res.json({ items });
  });

  router.post('/vms/:cluster/:namespace/:name/power', async (req, res) => {
    const { body } = validator.validate('powerVm', req);
    const vm = await vmOfPath(req, 'powerVm');
    await guard.requireVm(req, virtrigaudVmPowerPermission, vm);
    const { action } = body as { action: PowerAction };
    const patched = await inventory
      .cluster(vm.cluster)!
      .client.patch<VirtualMachine>(
        Resources.VirtualMachine,
        vm.namespace,
        vm.name,
        powerActionPatch(action),
      );
    options.logger.info(`VM ${vm.cluster}/${vm.namespace}/${vm.name}: power action ${action}`);
    res.json(toVmSummary(vm.cluster, patched));
  });

  router.delete('/vms/:cluster/:namespace/:name', async (req, res) => {
    const vm = await vmOfPath(req, 'deleteVm');
    await guard.requireVm(req, virtrigaudVmDeletePermission, vm);
    // The operator's finalizer deletes the VM on the hypervisor before the object disappears.
    await inventory
      .cluster(vm.cluster)!
      .client.delete(Resources.VirtualMachine, vm.namespace, vm.name);
    options.logger.info(`VM ${vm.cluster}/${vm.namespace}/${vm.name}: delete requested`);
    res.status(202).json({ ...vm, deleting: true });
  });

  router.get('/providers', async (req, res) => {
    const { query } = validator.validate('listProviders', req);
    if (query.cluster) clusterOf(query.cluster as string, 'query.cluster');
    await guard.require(req, virtrigaudProviderReadPermission);
    const selected = inventory
      .providers()
      .filter((p) => !query.cluster || p.cluster === query.cluster)
      .filter((p) => !query.namespace || p.namespace === query.namespace)
      .sort((a, b) =>
        `${a.cluster}/${a.namespace}/${a.name}`.localeCompare(
          `${b.cluster}/${b.namespace}/${b.name}`,
        ),
      );
    const offset = query.offset as number;
    const limit = query.limit as number;
    res.json({
      items: selected.slice(offset, offset + limit),
      totalCount: selected.length,
      offset,
      limit,
    });
  });

  router.get('/providers/:cluster/:namespace/:name', async (req, res) => {
    const { path } = validator.validate('getProvider', req);
    clusterOf(path.cluster, 'path.cluster');
    await guard.require(req, virtrigaudProviderReadPermission);
    const provider = inventory.provider({
      cluster: path.cluster,
      namespace: path.namespace,
      name: path.name,
    });
    if (!provider) {
      throw new NotFoundError(
        `Provider ${path.namespace}/${path.name} not found in cluster ${path.cluster}`,
      );
    }
    res.json(provider);
  });

  /** Picker routes: objects of the cluster(s) and namespace, optionally fit for a Provider. */
  const pickerRoute =
    <T>(
      operationId: string,
      listOf: (cache: ClusterCache) => { metadata: { namespace?: string } }[],
      toSummary: (cluster: string, obj: never) => T & { providerTypes?: ProviderType[] },
    ) =>
    async (req: Request, res: express.Response) => {
      const { query } = validator.validate(operationId, req);
      await guard.require(req, virtrigaudVmCreatePermission);
      const caches = query.cluster
        ? [clusterOf(query.cluster as string, 'query.cluster')]
        : inventory.clusters();
      const providerType = query.provider
        ? providerTypeOf(caches, query.provider as string, query.namespace as string | undefined)
        : undefined;
      const items = caches.flatMap((cache) =>
        listOf(cache)
          .filter((obj) => !query.namespace || obj.metadata.namespace === query.namespace)
          .map((obj) => toSummary(cache.name, obj as never))
          .filter(
            (s) => !providerType || !s.providerTypes || s.providerTypes.includes(providerType),
          ),
      );
      res.json({ items });
    };

  router.get(
    '/classes',
    pickerRoute('listClasses', (c) => c.classes.list(), toClassSummary),
  );
  router.get(
    '/images',
    pickerRoute('listImages', (c) => c.images.list(), toImageSummary),
  );
  router.get(
    '/networks',
    pickerRoute('listNetworks', (c) => c.networks.list(), toNetworkSummary),
  );

  router.get('/events', async (req, res) => {
    const { query } = validator.validate('streamEvents', req);
    if (query.cluster) clusterOf(query.cluster as string, 'query.cluster');
    const vmAllowed = await guard.vmFilter(req, virtrigaudVmReadPermission);
    const providersAllowed = await guard.require(req, virtrigaudProviderReadPermission).then(
      () => true,
      () => false,
    );
    streamLiveEvents({
      req,
      res,
      inventory,
      filter: {
        cluster: query.cluster as string | undefined,
        namespace: query.namespace as string | undefined,
      },
      vmAllowed,
      providersAllowed,
    });
  });

  return router;
}

function providerTypeOf(caches: ClusterCache[], name: string, namespace?: string): ProviderType {
  for (const cache of caches) {
    const match = cache.providers
      .list()
      .find((p) => p.metadata.name === name && (!namespace || p.metadata.namespace === namespace));
    if (match) return match.spec.type;
  }
  throw new FieldInputError(
    'query.provider',
    `Provider "${name}" not found${namespace ? ` in namespace ${namespace}` : ''}`,
  );
}

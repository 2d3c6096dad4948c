// GET /events: server-sent events of every change the caller may see, fed by the informers.
// A comment line every 15 s keeps proxies from closing an idle stream.
import type { ProviderSummary } from '@virtrigaud/plugin-virtrigaud-common';
import type { LiveEvent, VmSummary } from '@virtrigaud/plugin-virtrigaud-common';
import type { Request, Response } from 'express';
import type { Inventory, InventoryChange } from './inventory';
import { toVmSummary } from './summaries';

const KEEP_ALIVE_MS = 15_000;

export interface LiveEventsOptions {
  req: Request;
  res: Response;
  inventory: Inventory;
  filter: { cluster?: string; namespace?: string };
  vmAllowed: (vm: VmSummary) => boolean;
  providersAllowed: boolean;
}

export function streamLiveEvents(options: LiveEventsOptions): void {
  const { req, res, inventory, filter } = options;
  res.writeHead(200, {
    'Content-Type': 'text/event-stream',
    'Cache-Control': 'no-cache, no-transform',
    Connection: 'keep-alive',
    'X-Accel-Buffering': 'no',
  });
  res.write(': connected\n\n');
  const unsubscribe = inventory.subscribe((change) => {
    if (filter.cluster && change.cluster !== filter.cluster) return;
    if (filter.namespace && change.object.metadata.namespace !== filter.namespace) return;
    const event = toLiveEvent(change, inventory, options);
    if (event) res.write(`data: ${JSON.stringify(event)}\n\n`);
  });
  const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), KEEP_ALIVE_MS);
  req.on('close', () => {
    clearInterval(keepAlive);
    unsubscribe();
  });
}

function toLiveEvent(
  change: InventoryChange,
  inventory: Inventory,
  options: LiveEventsOptions,
): LiveEvent | undefined {
  const ref = {
    cluster: change.cluster,
    namespace: change.object.metadata.namespace!,
    name: change.object.metadata.name!,
  };
  if (change.kind === 'VirtualMachine') {
    const vm = toVmSummary(change.cluster, change.object);
    if (!options.vmAllowed(vm)) return undefined;
    return change.type === 'delete' ? { type: 'vm.deleted', ref } : { type: 'vm.upserted', vm };
  }
  if (!options.providersAllowed) return undefined;
  if (change.type === 'delete') return { type: 'provider.deleted', ref };
  const provider: ProviderSummary | undefined = inventory.provider(ref);
  return provider && { type: 'provider.upserted', provider };
}

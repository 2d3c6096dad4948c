// PropertyCollector reads: RetrievePropertiesEx with ContinueRetrievePropertiesEx paging, over
// explicit objects or over every object of a type under the root folder (a ContainerView).
import type { Vim25Client } from './client';
import { MoRef } from './moref';
import { SoapFault } from './faults';
import {
  child,
  childText,
  children,
  moref,
  type SoapValue,
  typed,
  type XmlNode,
  xsiType,
} from './xml';

export interface ObjectContent {
  obj: MoRef;
  /** Property path → raw value node (read with the xml.ts readers). */
  props: Map<string, XmlNode>;
  /** Paths vCenter could not read, with the fault type (e.g. NoPermission). */
  missing: Map<string, string>;
}

const PAGE_SIZE = 500;

function readObjectContent(node: XmlNode): ObjectContent {
  const props = new Map<string, XmlNode>();
  for (const prop of children(node, 'propSet')) {
    const name = childText(prop, 'name');
    const value = child(prop, 'val');
    if (name !== undefined && value !== undefined) props.set(name, value);
  }
  const missing = new Map<string, string>();
  for (const entry of children(node, 'missingSet')) {
    const path = childText(entry, 'path');
    const faultType = xsiType(child(child(entry, 'fault'), 'fault')) ?? 'Fault';
    if (path !== undefined) missing.set(path, faultType);
  }
  return { obj: moref(child(node, 'obj'))!, props, missing };
}

/** Runs one PropertyFilterSpec to completion, following the paging token. */
export async function retrieve(
  client: Vim25Client,
  filterSpec: Record<string, SoapValue>,
  signal?: AbortSignal,
  pageSize = PAGE_SIZE,
): Promise<ObjectContent[]> {
  const { propertyCollector } = await client.serviceContent(signal);
  const results: ObjectContent[] = [];
  let page = await client.invoke(
    'RetrievePropertiesEx',
    propertyCollector,
    { specSet: filterSpec, options: { maxObjects: pageSize } },
    signal,
  );
  for (;;) {
    results.push(...children(page, 'objects').map(readObjectContent));
    const token = childText(page, 'token');
    if (!token) return results;
    page = await client.invoke(
      'ContinueRetrievePropertiesEx',
      propertyCollector,
      { token },
      signal,
    );
  }
}

/** Properties of explicitly named objects (all of one type). Missing objects are left out. */
export async function retrieveObjects(
  client: Vim25Client,
  objects: MoRef[],
  paths: string[],
  signal?: AbortSignal,
): Promise<ObjectContent[]> {
  if (objects.length === 0) return [];
  const spec = {
    propSet: { type: objects[0]!.type, pathSet: paths },
    objectSet: objects.map((obj) => ({ obj, skip: false })),
  };
  const results = await retrieve(client, spec, signal);
  // Objects left out, or properties withheld as NotAuthenticated, may mean a lost session.
  const incomplete =
    results.length < objects.length ||
    results.some((content) => [...content.missing.values()].includes('NotAuthenticated'));
  if (incomplete && (await client.recoverUnreportedLogout(signal))) {
    return retrieve(client, spec, signal);
  }
  return results;
}

/** Properties of one object; throws ManagedObjectNotFound if it is gone. */
export async function retrieveOne(
  client: Vim25Client,
  obj: MoRef,
  paths: string[],
  signal?: AbortSignal,
): Promise<ObjectContent> {
  const [content] = await retrieveObjects(client, [obj], paths, signal);
  if (!content) throw new SoapFault('ManagedObjectNotFound', `${obj} does not exist`);
  return content;
}

/**
 * Every object of `type` in the inventory, through a ContainerView on the root folder. The view
 * lives in the session, so it is created once per session and reused; a view lost with its
 * session (re-login in the middle of the call) is recreated once.
 */
export class InventoryViews {
  private readonly views = new Map<string, { view: MoRef; generation: number }>();

  constructor(private readonly client: Vim25Client) {}

  async retrieveAll(type: string, paths: string[], signal?: AbortSignal): Promise<ObjectContent[]> {
    try {
      return await this.retrieveThroughView(type, paths, signal);
    } catch (err) {
      if (!(err instanceof SoapFault) || err.faultType !== 'ManagedObjectNotFound') throw err;
      this.views.delete(type);
      return this.retrieveThroughView(type, paths, signal);
    }
  }

  private async retrieveThroughView(
    type: string,
    paths: string[],
    signal?: AbortSignal,
  ): Promise<ObjectContent[]> {
    const view = await this.view(type, signal);
    return retrieve(
      this.client,
      {
        propSet: { type, pathSet: paths },
        objectSet: {
          obj: view,
          skip: true,
          // selectSet is declared as SelectionSpec, so the TraversalSpec subtype is named.
          selectSet: typed('TraversalSpec', {
            name: 'view',
            type: 'ContainerView',
            path: 'view',
            skip: false,
          }),
        },
      },
      signal,
    );
  }

  private async view(type: string, signal?: AbortSignal): Promise<MoRef> {
    const content = await this.client.serviceContent(signal);
    const cached = this.views.get(type);
    if (cached && cached.generation === this.client.sessionGeneration) return cached.view;
    const view = moref(
      await this.client.invoke(
        'CreateContainerView',
        content.viewManager,
        { container: content.rootFolder, type: [type], recursive: true },
        signal,
      ),
    )!;
    this.views.set(type, { view, generation: this.client.sessionGeneration });
    return view;
  }
}

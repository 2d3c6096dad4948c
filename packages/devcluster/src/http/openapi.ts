// Enough OpenAPI for kubectl: /openapi/v3 lists one document per group/version; each document
// has a path per resource whose PATCH operation names its kind and the `fieldValidation`
// parameter (that is how kubectl decides to let the server validate), and CRD schemas in
// components (for `kubectl explain`). Built-in kinds get no schemas: kubectl then uses its
// compiled-in types for strategic merge patches, exactly as with a real server's missing schema.
import { createHash } from 'node:crypto';
import type { Registry } from '../api/registry';
import type { ResourceType } from '../api/resource-type';

export interface SchemaSource {
  /** The OpenAPI v3 schema of a custom resource version, if any. */
  schemaOf(type: ResourceType): unknown;
}

// As in kube-apiserver's documents: write options on the write operations, `pretty` on the path.
const WRITE_PARAMETERS = ['dryRun', 'fieldManager', 'fieldValidation', 'force'].map((name) => ({
  name,
  in: 'query',
  schema: { type: name === 'force' ? 'boolean' : 'string', uniqueItems: true },
}));
const PRETTY = { name: 'pretty', in: 'query', schema: { type: 'string', uniqueItems: true } };

function schemaName(type: ResourceType): string {
  const reversedGroup = (type.group || 'core').split('.').reverse().join('.');
  return `${reversedGroup}.${type.version}.${type.kind}`;
}

export class OpenApi {
  constructor(
    private readonly registry: Registry,
    private readonly schemas: SchemaSource,
  ) {}

  document(path: string): unknown {
    const [pathname] = path.split('?');
    if (pathname === '/openapi/v3' || pathname === '/openapi/v3/') return this.index();
    const match = /^\/openapi\/v3\/(api\/v1|apis\/[^/]+\/[^/]+)$/.exec(pathname);
    return match ? this.groupVersion(match[1]) : undefined;
  }

  private groupVersionKeys(): Map<string, ResourceType[]> {
    const result = new Map<string, ResourceType[]>();
    for (const type of this.registry.all()) {
      const key = type.group ? `apis/${type.group}/${type.version}` : `api/${type.version}`;
      result.set(key, [...(result.get(key) ?? []), type]);
    }
    return result;
  }

  private index() {
    const paths: Record<string, { serverRelativeURL: string }> = {};
    for (const key of this.groupVersionKeys().keys()) {
      const hash = createHash('sha256')
        .update(JSON.stringify(this.groupVersion(key)))
        .digest('hex')
        .slice(0, 32)
        .toUpperCase();
      paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${hash}` };
    }
    return { paths };
  }

  private groupVersion(key: string) {
    const types = this.groupVersionKeys().get(key);
    if (!types) return undefined;
    const paths: Record<string, unknown> = {};
    const schemas: Record<string, unknown> = {};
    for (const type of types) {
      const gvk = { group: type.group, version: type.version, kind: type.kind };
      const scope = type.namespaced ? '/namespaces/{namespace}' : '';
      const operation = (action: string, writes = false) => ({
        operationId: `${action}${type.kind}`,
        'x-kubernetes-action': action,
        'x-kubernetes-group-version-kind': gvk,
        ...(writes ? { parameters: WRITE_PARAMETERS } : {}),
        responses: { '200': { description: 'OK' } },
      });
      paths[`/${key}${scope}/${type.resource}/{name}`] = {
        get: operation('get'),
        put: operation('put', true),
        patch: operation('patch', true),
        delete: operation('delete'),
        parameters: [
          { name: 'name', in: 'path', required: true, schema: { type: 'string' } },
          ...(type.namespaced
            ? [{ name: 'namespace', in: 'path', required: true, schema: { type: 'string' } }]
            : []),
          PRETTY,
        ],
      };
      paths[`/${key}${scope}/${type.resource}`] = {
        get: operation('list'),
        post: operation('post', true),
        parameters: [PRETTY],
      };
      const schema = this.schemas.schemaOf(type);
      if (schema)
        schemas[schemaName(type)] = {
          ...(schema as object),
          'x-kubernetes-group-version-kind': [gvk],
        };
    }
    return {
      openapi: '3.0.0',
      info: { title: 'Kubernetes', version: 'v1.32.0-devcluster' },
      paths,
      components: { schemas },
    };
  }
}

/**
 * /openapi/v2 as kubectl requests it (gnostic protobuf): an empty document, `swagger: "2.0"` and
 * an info block. kubectl falls back to it for client-side validation of `kind: List` manifests and
 * skips kinds it has no schema for, as with CRDs on a real server.
 */
export function openApiV2Protobuf(): Buffer {
  const field = (number: number, value: Buffer) =>
    Buffer.concat([Buffer.from([(number << 3) | 2, value.length]), value]);
  const info = Buffer.concat([
    field(1, Buffer.from('Kubernetes')),
    field(2, Buffer.from('v1.32.0-devcluster')),
  ]);
  return Buffer.concat([field(1, Buffer.from('2.0')), field(2, info)]);
}

// Writes shared by the controllers: finalizers and status, each conditional on the
// resourceVersion the decision was made on (a stale decision becomes a 409 and a retry, never a
// lost update), and each skipped when nothing changes.
import type { KubeClient, KubeObject, ResourceType } from '@virtrigaud/kube';

export const FINALIZER = 'infra.virtrigaud.io/finalizer';

export function hasFinalizer(obj: KubeObject, finalizer = FINALIZER): boolean {
  return obj.metadata.finalizers?.includes(finalizer) ?? false;
}

export async function addFinalizer<T extends KubeObject>(
  client: KubeClient,
  type: ResourceType,
  obj: T,
  finalizer = FINALIZER,
): Promise<T> {
  if (hasFinalizer(obj, finalizer)) return obj;
  return client.patch<T>(type, obj.metadata.namespace!, obj.metadata.name!, {
    metadata: {
      resourceVersion: obj.metadata.resourceVersion,
      finalizers: [...(obj.metadata.finalizers ?? []), finalizer],
    },
  });
}

export async function removeFinalizer<T extends KubeObject>(
  client: KubeClient,
  type: ResourceType,
  obj: T,
  finalizer = FINALIZER,
): Promise<T> {
  if (!hasFinalizer(obj, finalizer)) return obj;
  return client.patch<T>(type, obj.metadata.namespace!, obj.metadata.name!, {
    metadata: {
      resourceVersion: obj.metadata.resourceVersion,
      finalizers: obj.metadata.finalizers!.filter((f) => f !== finalizer),
    },
  });
}

/**
 * Merge-patches status to `next` (fields absent from `next` are removed) when it differs from the
 * object's current status; returns the object as written, or unchanged.
 */
export async function writeStatus<T extends KubeObject & { status?: object }>(
  client: KubeClient,
  type: ResourceType,
  obj: T,
  next: object,
): Promise<T> {
  const current = (obj.status ?? {}) as Record<string, unknown>;
  if (stableJson(current) === stableJson(next)) return obj;
  const patch: Record<string, unknown> = { ...next };
  for (const key of Object.keys(current)) {
    if (patch[key] === undefined) patch[key] = null;
  }
  return client.patchStatus<T>(type, obj.metadata.namespace!, obj.metadata.name!, {
    metadata: { resourceVersion: obj.metadata.resourceVersion },
    status: patch,
  });
}

/** JSON with sorted keys and undefined dropped, for change detection. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>)
            .filter(([, x]) => x !== undefined)
            .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : v,
  );
}

// Writes objects to a cluster through @kubernetes/client-node's generic KubernetesObjectApi, with
// Kubernetes server-side dry-run (dryRun=All) so CRD validation errors reach the template user
// naming the field, and with idempotent create: an object this task already created is reused.
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import { KubernetesObjectApi, PatchStrategy, type KubernetesObject } from '@kubernetes/client-node';
import type { Inventory } from '@virtrigaud/plugin-virtrigaud-backend';

export const TASK_ID_LABEL = 'virtrigaud.io/scaffolder-task-id';
const FIELD_MANAGER = 'backstage-scaffolder';

/** Any object to write; typed CRD objects (Date-or-string timestamps) included. */
export interface Manifest {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string>; uid?: string };
}

/** The Status body of a failed call, turned into a Backstage error a user can act on. */
export function toUserError(err: unknown, what: string): Error {
  const { code, body } = err as { code?: number; body?: unknown };
  if (code === undefined) return err as Error;
  const status = (typeof body === 'string' ? safeParse(body) : body) as
    { message?: string; details?: { causes?: { field?: string; message?: string }[] } } | undefined;
  const causes = status?.details?.causes ?? [];
  const message = causes.length
    ? causes.map((c) => `${c.field ?? what}: ${c.message}`).join('; ')
    : (status?.message ?? `HTTP ${code}`);
  if (code === 404) return new NotFoundError(`${what}: ${message}`);
  if (code === 409) return new ConflictError(`${what}: ${message}`);
  if (code === 400 || code === 422) return new InputError(`${what} is invalid: ${message}`);
  return new Error(`${what}: ${message}`);
}

/** How errors name the object: `Kind namespace/name`. */
function describe(object: Manifest): string {
  return `${object.kind} ${object.metadata!.namespace}/${object.metadata!.name}`;
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { message: text };
  }
}

export class KubeWriter {
  constructor(private readonly inventory: Inventory) {}

  /** The cluster's name and object API; the first configured cluster when none is named. */
  clusterFor(name?: string): { cluster: string; api: KubernetesObjectApi } {
    const caches = this.inventory.clusters();
    const cache = name ? this.inventory.cluster(name) : caches[0];
    if (!cache) {
      throw new InputError(
        `cluster: unknown cluster "${name}"; configured: ${caches.map((c) => c.name).join(', ')}`,
      );
    }
    return { cluster: cache.name, api: KubernetesObjectApi.makeApiClient(cache.kubeConfig) };
  }

  /**
   * Creates `object` (or validates it only, with dryRun). When it already exists and carries this
   * task's id, the earlier run created it and it is returned; otherwise that is a conflict.
   */
  async createOnce<T extends Manifest>(
    api: KubernetesObjectApi,
    object: T,
    taskId: string,
    dryRun: boolean,
  ): Promise<{ object: T; created: boolean }> {
    const what = describe(object);
    try {
      const created = await api.create(
        object,
        undefined,
        dryRun ? 'All' : undefined,
        FIELD_MANAGER,
      );
      return { object: created as unknown as T, created: true };
    } catch (err) {
      if ((err as { code?: number }).code !== 409 || dryRun) throw toUserError(err, what);
    }
    const existing = (await api.read(object as never)) as unknown as T;
    if (existing.metadata?.labels?.[TASK_ID_LABEL] !== taskId) {
      throw new ConflictError(
        `${what} already exists and was not created by this task; choose another name`,
      );
    }
    return { object: existing, created: false };
  }

  async mergePatch<T extends KubernetesObject>(
    api: KubernetesObjectApi,
    patch: T,
    dryRun: boolean,
  ): Promise<T> {
    const what = describe(patch);
    try {
      return (await api.patch(
        patch,
        undefined,
        dryRun ? 'All' : undefined,
        FIELD_MANAGER,
        undefined,
        PatchStrategy.MergePatch,
      )) as T;
    } catch (err) {
      throw toUserError(err, what);
    }
  }

  /** Deletes; an object already gone counts as deleted (a re-run succeeds). */
  async delete(
    api: KubernetesObjectApi,
    object: KubernetesObject,
    dryRun: boolean,
  ): Promise<boolean> {
    const what = describe(object);
    try {
      await api.delete(object, undefined, dryRun ? 'All' : undefined);
      return true;
    } catch (err) {
      if ((err as { code?: number }).code === 404) return false;
      throw toUserError(err, what);
    }
  }
}

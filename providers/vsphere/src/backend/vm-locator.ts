// VM ids are vCenter instance UUIDs (config.instanceUuid). VirtRigaud sets the instance UUID of
// every VM it creates to its owner's Kubernetes uid, so "the VM of this owner" is one indexed
// SearchIndex lookup on any replica, and the id is known before the create task finishes.
import { createHash } from 'node:crypto';
import type { Vim25Client } from '../vim25/client';
import { SoapFault } from '../vim25/faults';
import { findVmByInstanceUuid } from '../vim25/inventory';
import type { MoRef } from '../vim25/moref';
import { retrieveOne, type ObjectContent } from '../vim25/properties';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The instance UUID for an owner: its uid when that is a UUID (Kubernetes uids are), else a
 * stable name-based UUID derived from it. */
export function instanceUuidFor(ownerUid: string): string {
  if (UUID.test(ownerUid)) return ownerUid.toLowerCase();
  const hex = createHash('sha1').update(`virtrigaud:${ownerUid}`).digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** VM ids are compared case-insensitively, as vCenter compares UUIDs. */
export function normaliseVmId(id: string): string {
  return id.toLowerCase();
}

export class VmLocator {
  /** instance UUID → moref; entries are verified on use by the property read that follows. */
  private readonly known = new Map<string, MoRef>();

  constructor(private readonly client: Vim25Client) {}

  /** The VM's moref; an id that is no instance UUID names no VM of ours, so nothing is asked. */
  async find(id: string, signal?: AbortSignal): Promise<MoRef | undefined> {
    if (!UUID.test(id)) return undefined;
    const cached = this.known.get(id);
    if (cached) return cached;
    const ref = await findVmByInstanceUuid(this.client, id, signal);
    if (ref) this.known.set(id, ref);
    return ref;
  }

  forget(id: string): void {
    this.known.delete(id);
  }

  /** Records a moref learnt elsewhere (the result of this process's create task). */
  remember(id: string, ref: MoRef): void {
    this.known.set(id, ref);
  }

  /**
   * Runs `call` on the VM's moref; a cached moref whose VM is gone is looked up again once.
   * Returns undefined when no VM has that id.
   */
  async withVm<T>(id: string, call: (ref: MoRef) => Promise<T>, signal?: AbortSignal) {
    for (let attempt = 0; attempt < 2; attempt++) {
      const ref = await this.find(id, signal);
      if (!ref) return undefined;
      try {
        return { value: await call(ref) };
      } catch (err) {
        if (!(err instanceof SoapFault) || err.faultType !== 'ManagedObjectNotFound') throw err;
        this.forget(id);
      }
    }
    return undefined;
  }

  /**
   * The VM's properties, or undefined when no VM has that id. A cached moref whose VM is gone
   * (deleted elsewhere) is looked up again once.
   */
  async read(
    id: string,
    paths: string[],
    signal?: AbortSignal,
  ): Promise<ObjectContent | undefined> {
    for (let attempt = 0; attempt < 2; attempt++) {
      const ref = await this.find(id, signal);
      if (!ref) return undefined;
      try {
        return await retrieveOne(this.client, ref, paths, signal);
      } catch (err) {
        if (!(err instanceof SoapFault) || err.faultType !== 'ManagedObjectNotFound') throw err;
        this.forget(id);
      }
    }
    return undefined;
  }
}

// Domain UUIDs this process has seen carrying the provider's metadata, so Power can act on such a VM
// without first reading the domain back to check that it is one of the provider's (one virsh
// process and libvirt connection less per Power call).
//
// Why remembering that is safe, for the one question it answers ("is domain <uuid>, if it exists,
// a VM of this provider?"):
// - A VM id is the domain UUID, and the provider defines every domain with the UUID derived from
//   its owner uid (names.ts derivedUuid); libvirt never changes a domain's UUID. So a UUID stands
//   for one owner's VM, and no domain of another owner can ever have it: acting on the UUID can
//   only reach that owner's VM.
// - The metadata is stamped by the provider at define time and never removed by it (reconfigure,
//   linked clones and snapshot reverts rewrite its contents, not its presence).
// - Only that fact is remembered, never existence: whether the domain still exists is decided by
//   libvirt on the very call that acts on it (a VM deleted by another replica fails NOT_FOUND and is
//   forgotten), and Create's existence check always asks the hypervisor.
// What it can miss is someone deliberately stripping the metadata from one of the provider's
// domains (or redefining its UUID without it) outside the provider: within REMEMBER_MS this
// process would still power that domain on or off. Delete never relies on this: it reads the
// domain anyway (owner, disks, backing chains).
const REMEMBER_MS = 10 * 60_000;
const MAX_ENTRIES = 10_000;

export class ManagedVmIds {
  /** uuid → epoch ms after which it must be read again; Map order is insertion order (oldest first). */
  private readonly seen = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  remember(uuid: string): void {
    this.seen.delete(uuid);
    this.seen.set(uuid, this.now() + REMEMBER_MS);
    if (this.seen.size > MAX_ENTRIES) this.seen.delete(this.seen.keys().next().value!);
  }

  has(uuid: string): boolean {
    const until = this.seen.get(uuid);
    if (until === undefined) return false;
    if (until > this.now()) return true;
    this.seen.delete(uuid);
    return false;
  }

  forget(uuid: string): void {
    this.seen.delete(uuid);
  }
}

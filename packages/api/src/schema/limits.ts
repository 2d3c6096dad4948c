// The size limits of a VirtualMachine, stated once: the CRD schemas enforce them at admission,
// the scaffolder's template inputs and the provider SDK's request checks import them, so a form,
// the API server and a provider never disagree about what is too big.
export const VM_LIMITS = {
  /** NICs of one VM. */
  maxNetworks: 16,
  /** Data disks of one VM, besides the boot disk. */
  maxDisks: 32,
  /** Size of one disk (boot or data), GiB. */
  maxDiskSizeGiB: 65536,
  /**
   * One cloud-init document (user data, meta data), bytes: far more than any NoCloud or
   * ConfigDrive seed needs. The CRD's inline string counts characters, the SDK the bytes that
   * reach the provider; ASCII documents, the common case, count the same.
   */
  maxCloudInitBytes: 64 * 1024,
} as const;

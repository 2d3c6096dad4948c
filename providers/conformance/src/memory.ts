// The class memory quantity ("512Mi", "4Gi") in MiB, as ListVMs reports it.
const UNIT_MIB: Record<string, number> = { Mi: 1, Gi: 1024, Ti: 1024 * 1024 };

export function memoryMiB(quantity: string): number {
  const match = /^([1-9][0-9]*)(Mi|Gi|Ti)$/.exec(quantity);
  if (!match)
    throw new Error(`conformance: class memory ${JSON.stringify(quantity)} is not NMi/NGi/NTi`);
  return Number(match[1]) * UNIT_MIB[match[2]];
}

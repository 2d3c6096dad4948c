// Specs the mock is driven with in its tests: what the operator would send for a small VM.
import type { ConformanceFixtures } from '@virtrigaud/provider-conformance';

export const MOCK_FIXTURES: ConformanceFixtures = {
  class: { cpu: 1, memory: '512Mi', diskDefaults: { type: 'qcow2', sizeGiB: 10 } },
  image: { source: { mock: { name: 'ubuntu-24.04' } } },
  networks: [{ name: 'eth0', attachment: { libvirt: { network: 'default' } } }],
  disks: [{ name: 'data', sizeGiB: 5 }],
  placement: { host: 'mock-host-1' },
};

/** A log destination that keeps the lines (for assertions) instead of printing them. */
export function collectLogs(): { write(line: string): void; lines: string[] } {
  const lines: string[] = [];
  return { lines, write: (line) => void lines.push(line) };
}

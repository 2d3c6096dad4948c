// Reads the manager's Prometheus endpoint into samples, and sums counters by label.

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export async function scrape(address: string): Promise<Sample[]> {
  const text = await (await fetch(`http://${address}/metrics`)).text();
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const match = /^(\w+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) {
      labels[key] = value;
    }
    samples.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return samples;
}

/** Sum of `name` over the samples whose labels match `where` (a predicate on the labels). */
export function total(
  samples: Sample[],
  name: string,
  where: (labels: Record<string, string>) => boolean = () => true,
): number {
  return samples
    .filter((s) => s.name === name && where(s.labels))
    .reduce((sum, s) => sum + s.value, 0);
}

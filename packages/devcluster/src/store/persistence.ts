// Optional persistence to --data-dir: the whole store as one JSON snapshot, rewritten atomically
// (write + rename) shortly after changes and on stop, so a restart keeps every object and the
// revision counter. A hard kill can lose at most the last `delayMs` of writes.
import fs from 'node:fs';
import path from 'node:path';
import type { Snapshot, Store } from './store';

const FILE = 'store.json';

export function loadSnapshot(dataDir: string): Snapshot | undefined {
  const file = path.join(dataDir, FILE);
  if (!fs.existsSync(file)) return undefined;
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Snapshot;
}

export class Persister {
  private timer: NodeJS.Timeout | undefined;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly store: Store,
    private readonly dataDir: string,
    private readonly delayMs = 100,
  ) {
    fs.mkdirSync(dataDir, { recursive: true });
    this.unsubscribe = store.subscribe(() => this.schedule());
  }

  private schedule(): void {
    this.timer ??= setTimeout(() => this.flush(), this.delayMs);
  }

  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const file = path.join(this.dataDir, FILE);
    const temporary = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, JSON.stringify(this.store.snapshot()));
    fs.renameSync(temporary, file);
  }

  close(): void {
    this.unsubscribe();
    this.flush();
  }
}

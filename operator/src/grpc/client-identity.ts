// The manager's own client certificate for mutual TLS toward providers, read from files (a
// mounted Secret, e.g. from a cert-manager Certificate). Re-read at most once a minute, so a
// renewed certificate is used without a restart; the gateway notices the new content and opens
// new channels with it.
import fs from 'node:fs';

export interface ClientIdentityMaterial {
  cert: Buffer;
  key: Buffer;
}

const RELOAD_MS = 60_000;

export class ClientIdentityFiles {
  private loaded: { at: number; material: ClientIdentityMaterial } | undefined;

  constructor(
    private readonly certFile: string,
    private readonly keyFile: string,
    private readonly reloadMs = RELOAD_MS,
  ) {}

  /** Throws naming the file when it cannot be read (the manager refuses to start then). */
  read(): ClientIdentityMaterial {
    if (this.loaded && Date.now() - this.loaded.at < this.reloadMs) return this.loaded.material;
    const material = {
      cert: readOrExplain(this.certFile, '--grpc-client-cert'),
      key: readOrExplain(this.keyFile, '--grpc-client-key'),
    };
    this.loaded = { at: Date.now(), material };
    return material;
  }
}

function readOrExplain(file: string, flag: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    throw new Error(`${flag}: ${file} cannot be read (${(err as NodeJS.ErrnoException).code})`);
  }
}

// The cloud-init NoCloud seed: an ISO 9660 image labelled "cidata" holding user-data, meta-data
// and (for static addresses) network-config, built with genisoimage from files in a private
// directory (argument array, no shell) and uploaded into the VM's pool, attached as a CD-ROM.
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ProviderError } from '@virtrigaud/provider-sdk';
import { withScratchDir } from '../scratch';
import type { VolumeInfo, Volumes } from './volumes';

const run = promisify(execFile);

export interface SeedContent {
  userData: Buffer;
  metaData: Buffer;
  /** network-config v2 document, when any NIC has a static address. */
  networkConfig?: Buffer;
}

export async function buildSeedIso(
  dir: string,
  content: SeedContent,
  signal?: AbortSignal,
): Promise<string> {
  const files = [join(dir, 'user-data'), join(dir, 'meta-data')];
  await writeFile(files[0], content.userData, { mode: 0o600 });
  await writeFile(files[1], content.metaData, { mode: 0o600 });
  if (content.networkConfig) {
    files.push(join(dir, 'network-config'));
    await writeFile(files[2], content.networkConfig, { mode: 0o600 });
  }
  const iso = join(dir, 'seed.iso');
  try {
    await run(
      'genisoimage',
      ['-quiet', '-output', iso, '-volid', 'cidata', '-joliet', '-rock', ...files],
      {
        signal,
        timeout: 60_000,
      },
    );
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT')
      throw new ProviderError('UNAVAILABLE', 'genisoimage is not installed on the provider host');
    throw new ProviderError(
      'INTERNAL',
      `building the cloud-init seed ISO failed: ${(err as Error).message}`,
    );
  }
  return iso;
}

export function uploadSeedIso(
  volumes: Volumes,
  pool: string,
  name: string,
  content: SeedContent,
  signal?: AbortSignal,
): Promise<VolumeInfo> {
  return withScratchDir(async (dir) => {
    const iso = await buildSeedIso(dir, content, signal);
    return volumes.upload(pool, name, iso, 'raw', signal);
  });
}

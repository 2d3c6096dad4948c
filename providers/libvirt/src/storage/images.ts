// The base image a VM's root overlay is layered on: a path on the host, a volume in a pool, or a
// URL downloaded once into the pool and reused by every later VM (a `.ready` marker volume says the
// upload finished, so an interrupted download is redone instead of used half-written).
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { VMImageSpec } from '@virtrigaud/api';
import { invalidArgument, ProviderError } from '@virtrigaud/provider-sdk';
import { withScratchDir } from '../scratch';
import type { BackingImage, Volumes } from './volumes';

type LibvirtSource = NonNullable<VMImageSpec['source']['libvirt']>;

export interface ResolvedImage extends BackingImage {
  /** What the VM metadata records as its image. */
  label: string;
}

export class ImageResolver {
  private readonly downloads = new Map<string, Promise<ResolvedImage>>();

  constructor(
    private readonly volumes: Volumes,
    private readonly downloadTimeoutMs: number,
  ) {}

  async resolve(source: LibvirtSource, pool: string, signal?: AbortSignal): Promise<ResolvedImage> {
    const format = source.format ?? 'qcow2';
    if (source.path) return { path: source.path, format, label: source.path };
    if (source.volume) {
      const info = await this.volumes.info(pool, source.volume, signal);
      if (!info)
        throw invalidArgument(
          'image_json.source.libvirt.volume',
          `no volume ${source.volume} in pool ${pool}`,
        );
      return {
        path: info.path,
        format: (info.format as 'qcow2' | 'raw') ?? format,
        label: `${pool}/${source.volume}`,
      };
    }
    if (source.url) return this.downloaded(source.url, source.checksum, format, pool, signal);
    throw invalidArgument('image_json.source.libvirt', 'set one of path, volume or url');
  }

  /** One download per URL and pool at a time in this process; later calls reuse the volume. */
  private downloaded(
    url: string,
    checksum: string | undefined,
    format: 'qcow2' | 'raw',
    pool: string,
    signal?: AbortSignal,
  ) {
    const name = `vr-image-${createHash('sha256').update(url).digest('hex').slice(0, 24)}.${format === 'raw' ? 'img' : 'qcow2'}`;
    const key = `${pool}/${name}`;
    let pending = this.downloads.get(key);
    if (!pending) {
      pending = this.fetchOnce(url, checksum, format, pool, name, signal).finally(() =>
        this.downloads.delete(key),
      );
      this.downloads.set(key, pending);
    }
    return pending;
  }

  private async fetchOnce(
    url: string,
    checksum: string | undefined,
    format: 'qcow2' | 'raw',
    pool: string,
    name: string,
    signal?: AbortSignal,
  ): Promise<ResolvedImage> {
    const marker = `${name}.ready`;
    const existing = await this.volumes.info(pool, name, signal);
    if (existing && (await this.volumes.info(pool, marker, signal)))
      return { path: existing.path, format, label: url };
    return withScratchDir(async (dir) => {
      const file = join(dir, 'image');
      await download(
        url,
        file,
        checksum,
        AbortSignal.any([AbortSignal.timeout(this.downloadTimeoutMs), ...(signal ? [signal] : [])]),
      );
      const info = await this.volumes.upload(pool, name, file, format, signal);
      await this.volumes.createBlank(pool, marker, 'raw', 0, signal);
      return { path: info.path, format, label: url };
    });
  }
}

async function download(
  url: string,
  file: string,
  checksum: string | undefined,
  signal: AbortSignal,
) {
  const [algorithm, expected] = checksum ? checksum.split(':') : ['sha256', undefined];
  const hash = createHash(algorithm);
  let response: Response;
  try {
    response = await fetch(url, { signal });
  } catch (err) {
    throw new ProviderError(
      'UNAVAILABLE',
      `downloading the image failed: ${(err as Error).message}`,
    );
  }
  if (!response.ok || !response.body)
    throw new ProviderError(
      'FAILED_PRECONDITION',
      `downloading the image failed: HTTP ${response.status}`,
    );
  const hashing = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
  await pipeline(
    Readable.fromWeb(response.body as never),
    hashing,
    createWriteStream(file, { mode: 0o600 }),
    { signal },
  );
  const actual = hash.digest('hex');
  if (expected && actual !== expected)
    throw invalidArgument(
      'image_json.source.libvirt.checksum',
      `the download has ${algorithm}:${actual}`,
    );
}

// Storage-pool volumes through virsh: overlays on a base image, blank disks, uploads (seed ISOs,
// downloaded images), resize and idempotent delete. Volumes are addressed by pool + name so the
// same calls work on a remote host.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stat } from 'node:fs/promises';
import { XMLParser } from 'fast-xml-parser';
import { create } from 'xmlbuilder2';
import { ProviderError } from '@virtrigaud/provider-sdk';
import { withScratchDir } from '../scratch';
import type { Virsh } from '../virsh/virsh';

export interface VolumeInfo {
  pool: string;
  name: string;
  path: string;
  capacityBytes: number;
  format?: string;
  backingPath?: string;
}

export interface BackingImage {
  path: string;
  format: 'qcow2' | 'raw';
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
});

type Node = Record<string, unknown>;

const DUMP_CONCURRENCY = 8;

function text(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  return typeof value === 'object' ? text((value as Node)['#text']) : String(value);
}

export function parseVolumeXml(pool: string, xml: string): VolumeInfo {
  const volume = (parser.parse(xml) as Node).volume as Node;
  const target = (volume.target ?? {}) as Node;
  const backing = volume.backingStore as Node | undefined;
  return {
    pool,
    name: text(volume.name) ?? '',
    path: text(target.path) ?? '',
    capacityBytes: Number(text(volume.capacity) ?? 0),
    format: (target.format as Node | undefined)?.['@type'] as string | undefined,
    backingPath: backing ? text(backing.path) : undefined,
  };
}

export class Volumes {
  constructor(private readonly virsh: Virsh) {}

  async pools(signal?: AbortSignal): Promise<string[]> {
    const out = await this.virsh.run(['pool-list', '--name'], { signal });
    return out
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean);
  }

  /** Volume names of the pool; none when the pool is gone (e.g. destroyed since `pools()`). */
  async names(pool: string, signal?: AbortSignal): Promise<string[]> {
    const out = (await this.virsh.lookup(['vol-list', '--pool', pool], { signal })) ?? '';
    return out
      .split('\n')
      .map((line) => line.trim().split(/\s+/)[0])
      .filter(Boolean);
  }

  async info(pool: string, name: string, signal?: AbortSignal): Promise<VolumeInfo | undefined> {
    const xml = await this.virsh.lookup(['vol-dumpxml', '--pool', pool, name], { signal });
    return xml === undefined ? undefined : parseVolumeXml(pool, xml);
  }

  /** A volume by its path, when the path lies in some pool (undefined otherwise). */
  async infoByPath(path: string, signal?: AbortSignal): Promise<VolumeInfo | undefined> {
    const xml = await this.virsh.lookup(['vol-dumpxml', path], { signal });
    return xml === undefined ? undefined : parseVolumeXml('', xml);
  }

  /**
   * A qcow2 overlay on `backing`, as large as the backing image. A volume of that name that is
   * already there was made by an interrupted attempt of the same operation (names follow from the
   * VM's UUID) and is kept.
   */
  async ensureOverlay(
    pool: string,
    name: string,
    backing: BackingImage,
    signal?: AbortSignal,
  ): Promise<void> {
    const volume = create().ele('volume');
    volume.ele('name').txt(name);
    // 0 = the backing image's virtual size.
    volume.ele('capacity', { unit: 'bytes' }).txt('0');
    volume.ele('target').ele('format', { type: 'qcow2' });
    const store = volume.ele('backingStore');
    store.ele('path').txt(backing.path);
    store.ele('format', { type: backing.format });
    try {
      await this.createFromXml(pool, volume.end({ headless: true }), signal);
    } catch (err) {
      if (!(err instanceof ProviderError && err.code === 'ALREADY_EXISTS')) throw err;
    }
  }

  /** The paths the pool's volumes are layered on (their backing files). */
  async backingPaths(pool: string, signal?: AbortSignal): Promise<Set<string>> {
    const names = await this.names(pool, signal);
    const paths = new Set<string>();
    for (let i = 0; i < names.length; i += DUMP_CONCURRENCY) {
      const infos = await Promise.all(
        names.slice(i, i + DUMP_CONCURRENCY).map((name) => this.info(pool, name, signal)),
      );
      for (const info of infos) if (info?.backingPath) paths.add(info.backingPath);
    }
    return paths;
  }

  async createBlank(
    pool: string,
    name: string,
    format: 'qcow2' | 'raw',
    capacityBytes: number,
    signal?: AbortSignal,
  ): Promise<VolumeInfo> {
    await this.createAs(pool, name, format, capacityBytes, signal);
    return this.mustExist(pool, name, signal);
  }

  /** Replaces the volume `name` with the contents of a local file (seed ISO, downloaded image). */
  async upload(pool: string, name: string, file: string, format: string, signal?: AbortSignal) {
    const { size } = await stat(file);
    await this.delete(pool, name, signal);
    await this.createAs(pool, name, format, size, signal);
    await this.virsh.run(['vol-upload', '--pool', pool, name, file], {
      signal,
      timeoutMs: 30 * 60_000,
    });
    return this.mustExist(pool, name, signal);
  }

  async resize(pool: string, name: string, capacityBytes: number, signal?: AbortSignal) {
    await this.virsh.run(['vol-resize', '--pool', pool, name, `${capacityBytes}b`], { signal });
  }

  /** Full copy of a volume into the same pool. */
  async clone(pool: string, source: string, target: string, signal?: AbortSignal) {
    await this.virsh.run(['vol-clone', '--pool', pool, source, target], {
      signal,
      timeoutMs: 30 * 60_000,
    });
    return this.mustExist(pool, target, signal);
  }

  /** Deletes the volume; a volume (or pool) that is already gone is fine. */
  async delete(pool: string, name: string, signal?: AbortSignal): Promise<void> {
    try {
      await this.virsh.run(['vol-delete', '--pool', pool, name], { signal });
    } catch (err) {
      if (err instanceof ProviderError && err.code === 'NOT_FOUND') return;
      throw err;
    }
  }

  /** An empty volume of the given size and format (`vol-create-as`). */
  private async createAs(
    pool: string,
    name: string,
    format: string,
    capacityBytes: number,
    signal?: AbortSignal,
  ): Promise<void> {
    await this.virsh.run(
      [
        'vol-create-as',
        '--pool',
        pool,
        '--name',
        name,
        '--capacity',
        `${capacityBytes}b`,
        '--format',
        format,
      ],
      { signal },
    );
  }

  private async createFromXml(pool: string, xml: string, signal?: AbortSignal) {
    await withScratchDir(async (dir) => {
      const file = join(dir, 'volume.xml');
      await writeFile(file, xml, { mode: 0o600 });
      await this.virsh.run(['vol-create', '--pool', pool, '--file', file], { signal });
    });
  }

  private async mustExist(pool: string, name: string, signal?: AbortSignal): Promise<VolumeInfo> {
    const info = await this.info(pool, name, signal);
    if (!info) throw new ProviderError('INTERNAL', `volume ${name} vanished from pool ${pool}`);
    return info;
  }
}

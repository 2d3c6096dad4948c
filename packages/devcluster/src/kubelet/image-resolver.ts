// Maps a container image to a local program, since nothing here can pull or run images: the
// image's last path segment without tag or digest names a workspace binary
// (ghcr.io/projectbeskar/virtrigaud/provider-mock:v0.2.0 -> the `provider-mock` bin of a
// workspace package), unless an explicit image map says otherwise.
import fs from 'node:fs';
import path from 'node:path';

export interface ResolvedCommand {
  /** The executable (a JavaScript file is run with the current node). */
  program: string;
  args: string[];
}

export interface ContainerCommand {
  image: string;
  command?: string[];
  args?: string[];
}

/** `ghcr.io/x/provider-mock:v1@sha256:...` -> `provider-mock`. */
export function imageBinaryName(image: string): string {
  const withoutDigest = image.split('@')[0];
  const lastSegment = withoutDigest.split('/').pop() ?? withoutDigest;
  return lastSegment.split(':')[0];
}

export function imageRepository(image: string): string {
  const withoutDigest = image.split('@')[0];
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  return colon > slash ? withoutDigest.slice(0, colon) : withoutDigest;
}

/** Every `bin` of every workspace package under `root`, by name. */
export function workspaceBinaries(root: string): Map<string, string> {
  const binaries = new Map<string, string>();
  const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
    workspaces?: string[];
  };
  for (const pattern of manifest.workspaces ?? []) {
    const dirs = pattern.endsWith('/*')
      ? fs.existsSync(path.join(root, pattern.slice(0, -2)))
        ? fs
            .readdirSync(path.join(root, pattern.slice(0, -2)))
            .map((d) => path.join(root, pattern.slice(0, -2), d))
        : []
      : [path.join(root, pattern)];
    for (const dir of dirs) {
      const file = path.join(dir, 'package.json');
      if (!fs.existsSync(file)) continue;
      const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as {
        name?: string;
        bin?: string | Record<string, string>;
      };
      const bins =
        typeof pkg.bin === 'string'
          ? { [pkg.name?.split('/').pop() ?? '']: pkg.bin }
          : (pkg.bin ?? {});
      for (const [name, target] of Object.entries(bins)) binaries.set(name, path.join(dir, target));
    }
  }
  return binaries;
}

export class ImageResolver {
  private binaries?: Map<string, string>;

  constructor(
    private readonly workspaceRoot: string | undefined,
    /** Image (repository, full reference or binary name) -> argv prefix. */
    private readonly images: Record<string, string[]> = {},
  ) {}

  private binary(name: string): string | undefined {
    if (!this.workspaceRoot) return undefined;
    this.binaries ??= workspaceBinaries(this.workspaceRoot);
    return this.binaries.get(name);
  }

  private entrypoint(image: string): string[] | undefined {
    const explicit =
      this.images[image] ??
      this.images[imageRepository(image)] ??
      this.images[imageBinaryName(image)];
    if (explicit) return explicit;
    const binary = this.binary(imageBinaryName(image));
    return binary ? [binary] : undefined;
  }

  /** The argv for a container, or an error message when the image maps to nothing. */
  resolve(container: ContainerCommand): ResolvedCommand | { error: string } {
    const entrypoint = this.entrypoint(container.image);
    let argv: string[];
    if (container.command?.length) {
      // `command: [/provider-mock, ...]` names the image's own binary (or another workspace bin).
      const [first, ...rest] = container.command;
      const name = path.basename(first);
      const replacement =
        name === imageBinaryName(container.image) && entrypoint
          ? entrypoint
          : this.binary(name)
            ? [this.binary(name)!]
            : [first];
      argv = [...replacement, ...rest, ...(container.args ?? [])];
    } else if (entrypoint) argv = [...entrypoint, ...(container.args ?? [])];
    else {
      return {
        error: `image ${JSON.stringify(container.image)} maps to no workspace binary named ${JSON.stringify(imageBinaryName(container.image))} and to no entry of the image map`,
      };
    }
    return { program: argv[0], args: argv.slice(1) };
  }
}

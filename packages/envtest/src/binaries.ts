// The kube-apiserver and kube-controller-manager binaries: found in the folder named by
// VIRTRIGAUD_KUBE_BINARIES (default ../shared/kube-apiserver beside the repository), xz-decompressed
// once into <repo>/.cache/ and checked against pinned sha256 sums, so a test never runs a binary
// other than the reviewed v1.28.7 build. etcd is the Debian package (scripts/ensure-etcd.sh).
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const KUBE_VERSION = 'v1.28.7';

const SHA256 = {
  'kube-apiserver': '9eb198f44816c6fddee5ce1929d3135869ecaf0cc1dfa1629b167c7349b3c08b',
  'kube-controller-manager': 'a700db24d96ab3e08441ef1106df96b3ec52d2b0872f582ed0f2aabc2953eaf4',
} as const;
export type KubeBinary = keyof typeof SHA256;

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

/** The folder holding kube-apiserver(.xz) and kube-controller-manager(.xz). */
export function kubeBinariesDir(): string {
  return (
    process.env.VIRTRIGAUD_KUBE_BINARIES ??
    path.resolve(REPO_ROOT, '..', 'shared', 'kube-apiserver')
  );
}

export function etcdBinary(): string {
  return process.env.VIRTRIGAUD_ETCD ?? '/usr/bin/etcd';
}

/** Why the real control plane cannot start here, or undefined when everything it needs exists. */
export function missingPrerequisite(): string | undefined {
  const dir = kubeBinariesDir();
  for (const name of Object.keys(SHA256)) {
    const candidates = [path.join(dir, `${name}.xz`), path.join(dir, name)];
    if (!candidates.some((file) => fs.existsSync(file))) {
      return `no ${name} in ${dir} (set VIRTRIGAUD_KUBE_BINARIES to a folder with the ${KUBE_VERSION} binaries)`;
    }
  }
  if (!fs.existsSync(etcdBinary())) {
    return `no etcd at ${etcdBinary()} (run scripts/ensure-etcd.sh)`;
  }
  return undefined;
}

async function sha256(file: string): Promise<string> {
  const hash = crypto.createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * What identifies the cached file as the one whose sum was checked (inode, size, modification
 * time), so a start reads a stamp instead of hashing 155 MB, which took ~2 s on a loaded machine.
 */
function fileIdentity(file: string): string {
  const { ino, size, mtimeMs } = fs.statSync(file);
  return `${ino}:${size}:${mtimeMs}`;
}

/** Path of a verified, executable copy of the binary in the repository's .cache/. */
export async function kubeBinary(name: KubeBinary): Promise<string> {
  const cacheDir = path.join(REPO_ROOT, '.cache', 'kube-binaries', KUBE_VERSION);
  const target = path.join(cacheDir, name);
  const stamp = `${target}.verified`;
  if (fs.existsSync(target) && fs.existsSync(stamp)) {
    if (fs.readFileSync(stamp, 'utf8') === fileIdentity(target)) return target;
  }
  if (fs.existsSync(target) && (await sha256(target)) === SHA256[name]) {
    fs.writeFileSync(stamp, fileIdentity(target));
    return target;
  }

  fs.mkdirSync(cacheDir, { recursive: true });
  const source = path.join(kubeBinariesDir(), name);
  // Parallel jest workers may fill the cache at once: each writes its own file and renames it
  // into place, which is atomic, so nobody ever runs a half-written binary.
  const partial = `${target}.${process.pid}.partial`;
  try {
    if (fs.existsSync(`${source}.xz`)) {
      const out = fs.openSync(partial, 'w', 0o755);
      try {
        await new Promise<void>((resolve, reject) => {
          const xz = spawn('xz', ['--decompress', '--stdout', `${source}.xz`], {
            stdio: ['ignore', out, 'inherit'],
          });
          xz.on('error', reject);
          xz.on('close', (code) =>
            code === 0 ? resolve() : reject(new Error(`xz -d ${source}.xz exited ${code}`)),
          );
        });
      } finally {
        fs.closeSync(out);
      }
    } else {
      fs.copyFileSync(source, partial);
      fs.chmodSync(partial, 0o755);
    }
    const actual = await sha256(partial);
    if (actual !== SHA256[name]) {
      throw new Error(
        `${name} from ${kubeBinariesDir()} has sha256 ${actual}, expected ${SHA256[name]} (${KUBE_VERSION})`,
      );
    }
    fs.renameSync(partial, target);
    fs.writeFileSync(stamp, fileIdentity(target));
  } finally {
    fs.rmSync(partial, { force: true });
  }
  return target;
}

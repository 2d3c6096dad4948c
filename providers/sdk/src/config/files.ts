// The files the operator mounts into a provider pod. Errors name the file and what is wrong with
// it, never its content: a credential or key must not reach a log line through a parse error.
import fs from 'node:fs';
import path from 'node:path';
import type { ProviderOptions } from '../backend';

export interface TlsFiles {
  cert: Buffer;
  key: Buffer;
  /** When present, clients must present a certificate issued by this CA (mutual TLS). */
  ca?: Buffer;
}

export const PROVIDER_CONFIG_FILE = 'provider.json';

function readFileOrExplain(file: string, what: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? 'is missing'
        : code === 'EACCES'
          ? 'is not readable'
          : `cannot be read (${code})`;
    throw new Error(`${what} ${file} ${reason}`);
  }
}

function isReadableEntry(dir: string, name: string): boolean {
  // Secret volumes hold `..data` and timestamped directories next to the key symlinks.
  if (name.startsWith('.')) return false;
  try {
    return fs.statSync(path.join(dir, name)).isFile();
  } catch {
    return true; // unreadable or dangling: reading it reports the problem by name
  }
}

/**
 * Every key of the mounted credentials Secret, by file name. A trailing newline (as `kubectl create
 * secret --from-file` keeps it) is dropped. A missing directory is fine unless keys are required.
 */
export function readCredentials(dir: string, required: readonly string[]): Record<string, string> {
  const names = fs.existsSync(dir)
    ? fs.readdirSync(dir).filter((n) => isReadableEntry(dir, n))
    : [];
  for (const name of required) {
    if (!names.includes(name)) {
      throw new Error(
        `credential file ${path.join(dir, name)} is missing (mount the Provider's credentialSecretRef or set VIRTRIGAUD_CREDENTIALS_DIR)`,
      );
    }
  }
  return Object.fromEntries(
    names.map((name) => [
      name,
      readFileOrExplain(path.join(dir, name), 'credential file')
        .toString('utf8')
        .replace(/\r?\n$/, ''),
    ]),
  );
}

function checkRateLimit(file: string, rateLimit: unknown): void {
  if (rateLimit === undefined) return;
  const { qps, burst } = rateLimit as { qps?: unknown; burst?: unknown };
  for (const [key, value] of Object.entries({ qps, burst })) {
    if (typeof value !== 'number' || !(value > 0)) {
      throw new Error(`config file ${file}: rateLimit.${key} must be a positive number`);
    }
  }
}

/** provider.json of the provider ConfigMap; empty options when the file is absent. */
export function readProviderOptions(dir: string): ProviderOptions {
  const file = path.join(dir, PROVIDER_CONFIG_FILE);
  if (!fs.existsSync(file)) return {};
  const text = readFileOrExplain(file, 'config file').toString('utf8');
  let options: unknown;
  try {
    options = JSON.parse(text);
  } catch {
    throw new Error(`config file ${file} is not valid JSON`);
  }
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new Error(`config file ${file} must hold a JSON object`);
  }
  checkRateLimit(file, (options as ProviderOptions).rateLimit);
  return options as ProviderOptions;
}

/** tls.crt and tls.key (required) and ca.crt (optional: enables mutual TLS). */
export function readTlsFiles(dir: string): TlsFiles {
  const caFile = path.join(dir, 'ca.crt');
  return {
    cert: readFileOrExplain(path.join(dir, 'tls.crt'), 'TLS certificate file'),
    key: readFileOrExplain(path.join(dir, 'tls.key'), 'TLS key file'),
    ca: fs.existsSync(caFile) ? readFileOrExplain(caFile, 'TLS CA file') : undefined,
  };
}

// The file operations the shared mock hypervisor is built from: whole-file replacement that a
// reader never sees half done, entries that only one writer can create, and a lock on one record.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import lockfile from 'proper-lockfile';

function isCode(err: unknown, code: string): boolean {
  return (err as NodeJS.ErrnoException).code === code;
}

/** The parsed file, or undefined when there is none. */
export async function readJson<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8')) as T;
  } catch (err) {
    if (isCode(err, 'ENOENT')) return undefined;
    throw err;
  }
}

/** A file written next to `file`, complete, under a name no other writer uses. */
async function temporaryCopy(file: string, content: string): Promise<string> {
  const temporary = `${file}.${randomUUID()}.tmp`;
  await fs.writeFile(temporary, content);
  return temporary;
}

/** Replaces `file` whole: readers see the old content or the new, never a part. */
export async function writeAtomically(file: string, value: unknown): Promise<void> {
  await fs.rename(await temporaryCopy(file, JSON.stringify(value)), file);
}

/**
 * Creates `file` with `content` unless it exists; true when this call created it. The file
 * appears with its content at once (a hard link of a complete temporary file; link, like open
 * with 'wx', fails when the name exists), so a reader never finds it empty.
 */
export async function createExclusively(file: string, content: string): Promise<boolean> {
  const temporary = await temporaryCopy(file, content);
  try {
    await fs.link(temporary, file);
    return true;
  } catch (err) {
    if (isCode(err, 'EEXIST')) return false;
    throw err;
  } finally {
    await fs.rm(temporary, { force: true });
  }
}

/** The file's content, or undefined when there is none. */
export async function readText(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (err) {
    if (isCode(err, 'ENOENT')) return undefined;
    throw err;
  }
}

export async function removeFile(file: string): Promise<void> {
  await fs.rm(file, { force: true });
}

const LOCK_OPTIONS = {
  realpath: false,
  // A lock whose holder died (SIGKILLed replica) is taken over after this long...
  stale: 10_000,
  // ...so a waiter keeps trying for longer than that (~14 s: 2 ms growing to 50 ms, 300 times);
  // a live holder keeps one record locked for milliseconds.
  retries: { retries: 300, factor: 1.2, minTimeout: 2, maxTimeout: 50 },
};

/** Runs `fn` while holding the lock of one record (`<file>.lock`, shared by all replicas). */
export async function withFileLock<T>(file: string, fn: () => Promise<T>): Promise<T> {
  const release = await lockfile.lock(file, { ...LOCK_OPTIONS, lockfilePath: `${file}.lock` });
  try {
    return await fn();
  } finally {
    await release();
  }
}

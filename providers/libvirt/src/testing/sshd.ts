// A test-owned OpenSSH server on 127.0.0.1 standing in for a remote libvirt host: Debian's sshd
// (installed by scripts/ensure-libvirt.sh) with its own config, host key and one authorized client
// key, all generated into a private temp dir, on a port found by binding 0. Only public-key login;
// the client's known_hosts line is the generated host key.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const SSHD = '/usr/sbin/sshd';
const READY_TIMEOUT_MS = 15_000;
/** sshd refuses to start without its privilege-separation directory; no init system made it. */
const PRIVSEP_DIR = '/run/sshd';

export interface TestSshd {
  port: number;
  /** The client's private key (the `ssh-privatekey` credential). */
  clientKey: string;
  /** `[127.0.0.1]:<port> <host key>` (the `known_hosts` credential). */
  knownHosts: string;
  /** A known_hosts line for the same address with a key that is not the server's. */
  wrongKnownHosts: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

async function keyPair(dir: string, name: string): Promise<{ key: string; pub: string }> {
  const file = join(dir, name);
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', file]);
  return { key: await readFile(file, 'utf8'), pub: (await readFile(`${file}.pub`, 'utf8')).trim() };
}

/** Resolves once sshd logs that it listens; rejects if it exits or stays silent too long. */
async function untilListening(sshd: ChildProcess, port: number): Promise<void> {
  let log = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`sshd not listening after ${READY_TIMEOUT_MS} ms: ${log}`)),
      READY_TIMEOUT_MS,
    );
    const done = (err?: Error) => {
      clearTimeout(timer);
      sshd.stderr!.off('data', onData);
      sshd.off('exit', onExit);
      if (err) reject(err);
      else resolve();
    };
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes(`Server listening on 127.0.0.1 port ${port}`)) done();
    };
    const onExit = (code: number | null) => done(new Error(`sshd exited (${code}): ${log}`));
    sshd.stderr!.on('data', onData);
    sshd.on('exit', onExit);
  });
  // Keep draining its log so a full pipe never blocks it.
  sshd.stderr!.resume();
}

export async function startTestSshd(): Promise<TestSshd> {
  const dir = await mkdtemp(join(tmpdir(), 'virtrigaud-sshd-'));
  await mkdir(PRIVSEP_DIR, { recursive: true, mode: 0o755 });
  const host = await keyPair(dir, 'host_key');
  const client = await keyPair(dir, 'client_key');
  const decoy = await keyPair(dir, 'decoy_key');
  const authorizedKeys = join(dir, 'authorized_keys');
  await writeFile(authorizedKeys, `${client.pub}\n`, { mode: 0o600 });
  const port = await freePort();
  const config = join(dir, 'sshd_config');
  await writeFile(
    config,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${join(dir, 'host_key')}`,
      `AuthorizedKeysFile ${authorizedKeys}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PermitRootLogin prohibit-password',
      'UsePAM no',
      // The temp dir's parents are not root-only the way StrictModes wants for key files.
      'StrictModes no',
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  // -D: stay in the foreground as our child; -e: log to stderr (readiness line and errors).
  const sshd = spawn(SSHD, ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = once(sshd, 'exit');
  try {
    await untilListening(sshd, port);
  } catch (err) {
    sshd.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  const hostKeyOf = (pub: string) => pub.split(' ').slice(0, 2).join(' ');
  return {
    port,
    clientKey: client.key,
    knownHosts: `[127.0.0.1]:${port} ${hostKeyOf(host.pub)}\n`,
    wrongKnownHosts: `[127.0.0.1]:${port} ${hostKeyOf(decoy.pub)}\n`,
    async stop() {
      if (sshd.exitCode === null && sshd.signalCode === null) {
        sshd.kill('SIGTERM');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

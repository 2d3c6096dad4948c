// The libvirt connection URI. For qemu+ssh:// the private key and known_hosts from the credential
// files are written to a private directory (0700, files 0600) and handed to ssh: the key through
// libvirt's `keyfile=` parameter, known_hosts through a small ssh wrapper set as libvirt's
// `command=` (OpenSSH has no URI-level option for it). Host keys are always verified (BatchMode,
// StrictHostKeyChecking=yes) unless endpointTLS.insecureSkipVerify is set explicitly, which is
// logged as a warning.
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { invalidArgument, type BackendConfig } from '@virtrigaud/provider-sdk';

const LIBVIRT_URI = /^(qemu|test)(\+(ssh|tcp|tls|unix|libssh2|libssh))?:\/\//;

export interface Connection {
  uri: string;
  /** Host name of the endpoint, for console URLs of consoles listening on a wildcard address. */
  host: string;
  /** Removes the credential files. */
  close(): Promise<void>;
}

export function endpointHost(endpoint: string): string {
  const url = new URL(endpoint);
  return url.hostname || 'localhost';
}

/**
 * URI parameters with which libvirt skips verifying the hypervisor: the TLS certificate
 * (`no_verify`, any value but 0) or the SSH host key (libssh/libssh2 `known_hosts_verify`).
 */
function weakeningParameter(params: URLSearchParams): string | undefined {
  const noVerify = params.get('no_verify');
  if (noVerify !== null && noVerify !== '0') return `no_verify=${noVerify}`;
  const knownHosts = params.get('known_hosts_verify');
  if (knownHosts !== null && knownHosts !== 'normal') return `known_hosts_verify=${knownHosts}`;
  return undefined;
}

function checkEndpoint(endpoint: string, insecureSkipVerify: boolean): URL {
  if (!LIBVIRT_URI.test(endpoint))
    throw invalidArgument(
      'endpoint',
      'must be a libvirt URI such as qemu:///system or qemu+ssh://user@host/system',
    );
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw invalidArgument('endpoint', 'is not a valid URI');
  }
  const weakening = weakeningParameter(url.searchParams);
  if (weakening && !insecureSkipVerify)
    throw invalidArgument(
      'endpoint',
      `${weakening} turns off verification of the hypervisor; set endpointTLS.insecureSkipVerify to allow it (labs only)`,
    );
  return url;
}

/** Single-quotes a path for the wrapper script; our own temp paths never contain a quote. */
function shellQuoted(path: string): string {
  if (path.includes("'")) throw new Error(`unsupported temporary directory ${path}`);
  return `'${path}'`;
}

function sshWrapper(knownHosts: string | undefined, verify: boolean): string {
  const options = ['-o', 'BatchMode=yes', '-o', 'IdentitiesOnly=yes'];
  if (!verify) options.push('-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null');
  else {
    options.push('-o', 'StrictHostKeyChecking=yes');
    if (knownHosts) options.push('-o', `UserKnownHostsFile=${shellQuoted(knownHosts)}`);
  }
  return `#!/bin/sh\n# Written by provider-libvirt: ssh with the Provider's known_hosts.\nexec ssh ${options.join(' ')} "$@"\n`;
}

export async function openConnection(config: BackendConfig): Promise<Connection> {
  const insecureSkipVerify = config.options.endpointTLS?.insecureSkipVerify === true;
  const url = checkEndpoint(config.endpoint, insecureSkipVerify);
  const host = url.hostname || 'localhost';
  if (!url.protocol.includes('+ssh'))
    return { uri: config.endpoint, host, close: async () => undefined };

  const key = config.credentials['ssh-privatekey'];
  const knownHosts = config.credentials['known_hosts'];
  const verify = !insecureSkipVerify;
  if (!verify)
    config.log.warn('endpointTLS.insecureSkipVerify is set: ssh host keys are NOT verified');
  else if (!knownHosts)
    config.log.warn('no known_hosts credential: ssh verifies against the system known_hosts only');

  const dir = await mkdtemp(join(tmpdir(), 'virtrigaud-libvirt-ssh-'));
  await chmod(dir, 0o700);
  const params = new URLSearchParams(url.search);
  if (key) {
    const keyFile = join(dir, 'id');
    await writeFile(keyFile, key.endsWith('\n') ? key : `${key}\n`, { mode: 0o600 });
    params.set('keyfile', keyFile);
  }
  let knownHostsFile: string | undefined;
  if (knownHosts) {
    knownHostsFile = join(dir, 'known_hosts');
    await writeFile(knownHostsFile, knownHosts, { mode: 0o600 });
    params.set('known_hosts', knownHostsFile);
  }
  const wrapper = join(dir, 'ssh');
  await writeFile(wrapper, sshWrapper(knownHostsFile, verify), { mode: 0o700 });
  params.set('command', wrapper);
  url.search = params.toString();
  return { uri: url.toString(), host, close: () => rm(dir, { recursive: true, force: true }) };
}
